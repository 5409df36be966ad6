def test_reference_says_where_the_tutorial_is_wrong_and_scales_for_the_back_row(qtbot, window):
    panel = window.panel_by_key("reference")
    text = panel.browser.toPlainText()
    assert "Choosing a loss function" in text
    assert "0.83 points worse" in text and "warm_start" in text
    normal = panel.browser.document().defaultFont().pointSizeF()
    window.presentation_action.trigger()
    assert panel.browser.document().defaultFont().pointSizeF() >= 18 > normal
