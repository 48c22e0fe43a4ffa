import pytest

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_data_officer_logs_in_and_sees_the_start_page_in_spanish(page, officer_user):
    login(page, "centre")
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("header nav").get_by_role("link", name="centre").is_visible()
