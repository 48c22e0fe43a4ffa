"""The start page leads each role to its own training pages."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_centre_data_officer_is_led_to_its_centre_page(client, officer_user, centre):
    client.force_login(officer_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("training:centre_detail", args=[centre.pk]) in page
    assert reverse("training:trainee_list") in page


@pytest.mark.django_db
def test_a_company_officer_is_led_to_its_company_page(client, company_user, company):
    client.force_login(company_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("training:company_detail", args=[company.pk]) in page
    assert reverse("training:trainee_list") not in page


@pytest.mark.django_db
def test_a_viewer_sees_the_catalogue_but_no_trainees(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("training:catalogue") in page
    assert reverse("training:trainee_list") not in page
