/* Corridor Atlas: the app's page after a pick, on a narrow screen (a phone).
 *
 * Run in the app's page once per pick (a search result, a route chosen in the sidebar or
 * tapped on the map), with the settings corridor_atlas.page gives it. On a screen at most
 * NARROW px wide, where Streamlit lays the sidebar over the page and stacks the columns,
 * it closes the sidebar if it is open and brings the panel just opened into view, below
 * the map. Wider screens show both side by side: nothing is done there.
 */
window.atlasAfterPick = function (settings) {
  'use strict';
  if (window.innerWidth > settings.NARROW) { return; }
  var doc = document;

  function closeSidebar() {
    var bar = doc.querySelector('[data-testid="stSidebar"]');
    if (!bar || bar.getAttribute('aria-expanded') !== 'true') { return; }
    var button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (button) { button.click(); }
  }

  // The panel is drawn by the same run that sent this script, just before it.
  function reveal() {
    var panel = doc.querySelector(settings.PANEL);
    if (!panel) { return; }
    panel.scrollIntoView({behavior: 'smooth', block: 'start'});
  }

  if (settings.CLOSE_SIDEBAR) { closeSidebar(); }
  if (settings.PANEL) { window.requestAnimationFrame(reveal); }
};
