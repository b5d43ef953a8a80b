/* Corridor Atlas: the app's page after a pick, on a narrow screen (a phone).
 *
 * Run in the app's page after a pick (a search result, a route chosen in the sidebar or
 * tapped on the map), with the settings corridor_atlas.page gives it, and acted on once
 * per pick: the app sends it with every run until the next pick, so a run cut short by
 * the next one does not lose it. On a screen at most
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
    if (!bar || bar.getAttribute('data-collapsed') !== 'false') { return; }
    var button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (button) { button.click(); }
  }

  // The script comes last in the panel's column, drawn by the same run: the column's top
  // is the panel's.
  function reveal() {
    var mark = doc.querySelector(settings.PANEL);
    if (!mark) { return; }
    var panel = mark.closest('[data-testid="stColumn"]') || mark;
    var header = doc.querySelector('[data-testid="stHeader"]');  // fixed, over the page
    panel.style.scrollMarginTop = (header ? header.offsetHeight : 0) + 'px';
    panel.scrollIntoView({behavior: 'smooth', block: 'start'});
  }

  // Sent again with every run until the next pick: acted on once per pick.
  if (window.__atlasPick === settings.PICK) { return; }
  window.__atlasPick = settings.PICK;
  if (settings.CLOSE_SIDEBAR) { closeSidebar(); }
  if (settings.PANEL) { window.requestAnimationFrame(reveal); }
};
