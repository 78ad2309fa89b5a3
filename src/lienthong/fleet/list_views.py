"""The vessel list page and its Excel export. Thin: the form reads the filters, `listing` selects, `exports` writes."""
from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from lienthong.accounts import audit
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_see_personal_data
from lienthong.fleet.models import IdentityStatus, Vessel, paper_state
from lienthong.geo.units import commune_name
from lienthong.identity.collation import vi_sorted

from . import exports, labels, listing

PAGE_SIZE = 50

PAPER_CHOICES = [("", _("Any")), ("expired", _("Expired")), ("expiring", _("Expires within 30 days")),
                 ("missing", _("None on record"))]
SORT_LABELS = {"reg": _("Registration number"), "name": _("Vessel name"), "owner": _("Owner"),
               "length": _("Length"), "licence": _("Licence expiry")}


class VesselListForm(forms.Form):
    """The list's filters from the query string; choices limited to what the user may see."""

    commune = forms.ChoiceField(label=_("Commune"), required=False)
    length_class = forms.ChoiceField(label=_("Length class"), required=False)
    licence = forms.ChoiceField(label=_("Fishing licence"), required=False, choices=PAPER_CHOICES)
    safety = forms.ChoiceField(label=_("Safety certificate"), required=False, choices=PAPER_CHOICES)
    identity = forms.ChoiceField(label=_("Owner's identity"), required=False)
    home_port = forms.ChoiceField(label=_("Home port"), required=False)
    departure_port = forms.ChoiceField(label=_("Last departure from"), required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, user):
        super().__init__(data)
        self.user = user
        scoped = user.is_area_scoped
        visible = listing.visible_vessels(user)
        codes = user.commune_codes() if scoped else (
            Vessel.objects.exclude(commune_code="").order_by().values_list("commune_code", flat=True).distinct())
        communes = vi_sorted(((c, commune_name(c)) for c in codes), key=lambda pair: pair[1])
        self.fields["commune"].choices = [("", _("All my area") if scoped else _("All communes")), *communes]
        self.fields["length_class"].choices = [
            ("", _("Any")), *((code, labels.length_class_label(code)) for code in listing.LENGTH_CODES),
            (listing.UNKNOWN, labels.length_class_label("")),
        ]
        self.fields["identity"].choices = [("", _("Any")), *((v, str(label).capitalize()) for v, label in IdentityStatus.choices)]
        ports = visible.exclude(home_port="").order_by().values_list("home_port", flat=True).distinct()
        self.fields["home_port"].choices = [("", _("Any")), *((p, p) for p in vi_sorted(ports))]
        departure = [("", _("Any"))]
        if listing.trip_model() is not None:
            port_model = apps.get_model("port", "Port")
            departure += [(str(pk), name) for pk, name in vi_sorted(port_model.objects.values_list("pk", "name"),
                                                                   key=lambda row: row[1])]
        self.fields["departure_port"].choices = departure
        sorts = [*listing.SORTS, *(f"-{s}" for s in listing.SORTS)]
        self.fields["sort"].choices = [("", ""), *((s, s) for s in sorts)]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"list-{name}")
            field.widget.attrs["data-testid"] = f"filter-{name}"

    def vessel_filter(self) -> listing.VesselFilter:
        data = self.cleaned_data
        return listing.VesselFilter(**{k: data.get(k) or "" for k in (
            "commune", "length_class", "licence", "safety", "identity", "home_port", "departure_port")})

    def chosen_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or "reg"
        if sort.lstrip("-") == "owner" and not can_see_personal_data(self.user):
            return "reg"
        return sort


def _read(request):
    """(form, filter, sort), or (form, None, sort) when a value is not one the user may choose."""
    form = VesselListForm(request.GET, request.user)
    if not form.is_valid():
        return form, None, "reg"
    return form, form.vessel_filter(), form.chosen_sort()


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def vessel_list(request):
    user = request.user
    form, flt, sort = _read(request)
    show_personal = can_see_personal_data(user)
    today = timezone.localdate()
    page = owners = None
    rows = []
    if flt is not None:
        qs = listing.vessel_list(user, flt, sort, today)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        for vessel in page.object_list:
            vessel.licence_state = paper_state(vessel.last_licence, today)
            vessel.safety_state = paper_state(vessel.last_safety, today)
            rows.append(vessel)
        if flt.identity:
            owners = listing.owner_count(listing.apply_filter(listing.with_columns(listing.visible_vessels(user)), flt, today))
        if show_personal and rows:
            # The page names owners: a read of personal data, logged once per page shown.
            audit.record(request, AuditAction.VIEW, object_type="vessel_list", summary=_query_without(request)[:255],
                         detail={"filters": flt.as_query(), "sort": sort, "page": page.number, "rows": len(rows)})
    headers = []
    for key in listing.SORTS:
        if key == "owner" and not show_personal:
            continue
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        next_sort = f"-{key}" if current and not descending else key
        headers.append({"key": key, "label": SORT_LABELS[key], "current": current, "descending": descending,
                        "next": next_sort})
    return render(request, "fleet/vessel_list.html", {
        "form": form, "filter": flt, "sort": sort, "page": page, "rows": rows, "owners": owners,
        "show_personal": show_personal, "headers": headers,
        "query": _query_without(request, "page"), "query_unsorted": _query_without(request, "page", "sort"),
        "active": bool(flt and flt.as_query()),
    })


@login_required
@require_GET
def vessel_list_export(request):
    """The same list (same filters, same order, every page) as an Excel workbook; the export is audited."""
    user = request.user
    form, flt, sort = _read(request)
    if flt is None:
        return render(request, "fleet/vessel_list.html", {"form": form, "filter": None, "rows": [], "headers": []},
                      status=400)
    personal = can_see_personal_data(user)
    qs = listing.vessel_list(user, flt, sort)
    content, count = exports.vessel_workbook(qs, personal=personal)
    audit.record(request, AuditAction.EXPORT, object_type="vessel_list", summary=_query_without(request)[:255],
                 detail={"filters": flt.as_query(), "sort": sort, "rows": count, "personal": personal})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="danh-sach-tau-{stamp}.xlsx"'
    return response
