from divert.lib.charts import bar_chart


def test_bars_scale_to_the_largest_value_and_escape_labels():
    svg = bar_chart([("Active", 20), ("<b>Exited</b>", 5), ("Zero", 0)], "Enrollments & status")
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert 'aria-label="Enrollments &amp; status"' in svg
    assert 'width="220" height="22"' in svg  # the largest bar fills the area
    assert 'width="55" height="22"' in svg  # 5/20 of it
    assert 'width="0" height="22"' in svg
    assert "<b>" not in svg and "&lt;b&gt;Exited&lt;/b&gt;" in svg
    assert "style=" not in svg and "<script" not in svg


def test_an_empty_chart_still_renders():
    assert "<title>Nothing</title>" in bar_chart([], "Nothing")


def test_home_pages_draw_the_chart_beside_the_table(manager_mo, participant, login):
    html = login(manager_mo).get("/").content.decode()
    assert html.count('<svg class="chart"') == 3  # enrollments by status, by door; referrals by outcome
    assert "Project manager, Test LEAD Project Office" in html
