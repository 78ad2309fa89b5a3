"""The `lienthong` command. Thin: parses arguments and calls domain functions.

Sub-commands that need the database set Django up first; the others (demo-data, link) do not.
"""
from __future__ import annotations

import argparse
import os
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()


def cmd_manage(args: argparse.Namespace) -> int:
    """Pass through to Django's manage commands: `lienthong manage migrate`."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lienthong manage", *args.rest])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    if not os.environ.get("LIENTHONG_PUBLIC_URL") and os.environ.get("LIENTHONG_ENV", "").lower() != "production":
        # Outside production the clearance QR points at this server as served (a demo on another port too);
        # the worker processes inherit it. Production must set the public address (settings refuse otherwise).
        os.environ["LIENTHONG_PUBLIC_URL"] = f"http://{args.host}:{args.port}"
    _django()
    from django.conf import settings
    from django.db import DatabaseError

    from lienthong.fleet.importer.abandoned import fail_abandoned_imports
    from lienthong.server import serve
    from lienthong.sync import worker

    if settings.PRODUCTION:  # the settings checked that the files exist; here that the key opens
        from lienthong.signing.keys import check_signer

        check_signer()
    try:
        fail_abandoned_imports()  # imports left "running" by a process killed before this start
    except DatabaseError:  # not migrated yet: the pages will do it once they can
        pass
    # Background jobs (sync runs) run beside the web server, so `make demo` needs nothing else.
    job_worker = None if args.no_worker else worker.spawn_process()
    try:
        # gunicorn processes × threads on Linux (LIENTHONG_WORKERS, default one per core); waitress elsewhere.
        return serve(args.host, args.port, workers=args.workers, threads=args.threads)
    finally:
        if job_worker is not None:
            worker.stop_process(job_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from lienthong.sync.worker import main as worker_main

    return worker_main(args.rest) or 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from lienthong.demo import main as demo_main

    return demo_main(args.rest) or 0


def cmd_link(args: argparse.Namespace) -> int:
    from lienthong.linkage.command import main as link_main

    return link_main(args.rest) or 0


def cmd_clean(args: argparse.Namespace) -> int:
    from lienthong.registries.clean import main as clean_main

    return clean_main(args.rest) or 0


def cmd_vms_check(args: argparse.Namespace) -> int:
    from lienthong.monitoring.check import main as vms_check_main

    return vms_check_main(args.rest) or 0


def cmd_population_serve(args: argparse.Namespace) -> int:
    from lienthong.population.server import main as serve_main

    return serve_main(args.rest) or 0


def cmd_notify_serve(args: argparse.Namespace) -> int:
    from lienthong.notify.server import main as serve_main

    return serve_main(args.rest) or 0


def cmd_portal_serve(args: argparse.Namespace) -> int:
    from lienthong.nationalportal.server import main as serve_main

    return serve_main(args.rest) or 0


def cmd_printer_serve(args: argparse.Namespace) -> int:
    from lienthong.hall.kiosk.printer_server import main as serve_main

    return serve_main(args.rest) or 0


def cmd_portal_push(args: argparse.Namespace) -> int:
    """Send the national portal's outbox now (the job worker does it every few seconds when it runs)."""
    _django()
    from lienthong.onestop import portal_sync

    sent = failed = 0
    while True:
        summary = portal_sync.push_due(limit=args.limit)
        sent, failed = sent + summary.sent, failed + summary.failed
        for error in summary.errors:
            print(error)
        if summary.stopped or not (summary.sent or summary.failed):
            break
    if summary.stopped:
        print(f"lienthong: dừng: {summary.stopped}", file=sys.stderr)
    print(f"Đã gửi {sent} mục lên Cổng DVC quốc gia; {failed} mục giữ lại để gửi lại sau.")
    return 1 if failed or summary.stopped else 0


def cmd_portal_reconcile(args: argparse.Namespace) -> int:
    """List every dossier whose state at the national portal differs from ours; exit 1 when there is one."""
    _django()
    from django.utils.translation import gettext_noop

    from lienthong.accounts import audit
    from lienthong.nationalportal.wire import PortalError
    from lienthong.onestop import portal_sync
    from lienthong.onestop.models import Dossier, State

    dossiers = Dossier.objects.all()
    if args.days:
        dossiers = portal_sync.recent(dossiers, args.days)
    try:
        found = portal_sync.differences(dossiers)
    except PortalError as exc:
        print(f"lienthong: không hỏi được Cổng DVC quốc gia: {exc}", file=sys.stderr)
        return 2
    audit.record(None, "view", object_type="dossier",
                 summary=audit.msg(gettext_noop("Dossiers compared with the national portal: %(n)d differ"), n=len(found)),
                 detail={"via": "cli", "differences": len(found)})
    for d in found:
        theirs = State(d.theirs).label if d.theirs else "(không có trên Cổng)"
        print(f"{d.dossier.code}\t{State(d.ours).label}\t{theirs}\tthiếu {d.missing_steps} bước\t"
              f"chờ gửi {d.pending}\t{d.last_error}")
        if args.push_again:
            portal_sync.push_again(d.dossier, None, d.held)
    print(f"{len(found)} hồ sơ khác trạng thái với Cổng DVC quốc gia" + (" (đã xếp gửi lại)" if args.push_again and found else ""))
    return 1 if found else 0


def cmd_population_import(args: argparse.Namespace) -> int:
    _django()
    from lienthong.population.extract import main as import_main

    return import_main(args.rest) or 0


def cmd_import_registry(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from lienthong.fleet.importer import import_registry
    from lienthong.fleet.models import ColumnMapping

    mapping = ColumnMapping.objects.get(name=args.mapping) if args.mapping else None
    path = Path(args.file)
    record = import_registry(path, file_name=path.name, mapping=mapping, sheet=args.sheet)
    from lienthong.accounts import audit

    # Owners' personal data changed from the command line: audited like an upload from the web page.
    audit.record(None, "import", object_type="registry_import", object_id=record.pk, summary=path.name,
                 detail={"status": record.status, "rows": record.rows_total, "via": "cli"})
    print(record.message)
    for problem in record.errors:
        print(problem["text"])
    if record.errors_total > len(record.errors):  # only the first IMPORT_MAX_PROBLEMS problems are kept
        print(f"… và {record.errors_total - len(record.errors)} lỗi khác không được lưu lại; "
              "hãy sửa các dòng trên rồi nhập lại tệp để xem tiếp")
    return 1 if record.status == "failed" else 0


def cmd_import_procedures(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from lienthong.onestop.catalogue import CatalogueImportError, import_catalogue

    path = Path(args.file)
    try:
        result = import_catalogue(path, file_name=path.name)
    except CatalogueImportError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"{path.name}: {result.procedures} thủ tục ({result.created} mới, {result.updated} thay đổi, "
          f"{result.unchanged} không đổi), {result.components} thành phần hồ sơ, {result.agencies_created} cơ quan mới.")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    try:
        call_command("audit_verify")
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def cmd_demo_setup(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from django.conf import settings

    from lienthong import demo_site

    files_dir = Path(args.files_dir) if args.files_dir else settings.DATA_DIR / "demo"
    print(f"lienthong: tạo tỉnh mẫu ({args.vessels} tàu, {args.population} người) trong {files_dir} …", flush=True)
    done = demo_site.setup(files_dir, vessels=args.vessels, population=args.population, password=args.password)
    print(f"Nhập sổ đăng ký: {done.rows_total} dòng, {done.rows_rejected} dòng lỗi ({done.import_status}).")
    print(f"Nhập bản trích dân cư: {done.population_rows} người.")
    print(f"Một cửa: {done.procedures} thủ tục trong danh mục, {done.dossiers} hồ sơ mẫu tại phường Rạch Giá, "
          f"{done.vessel_dossiers} hồ sơ tàu cá tại Sở Nông nghiệp và Môi trường ({done.centre_seconds:.1f} giây).")
    if done.hall is not None:
        print(f"Sảnh một cửa: {done.hall.services} dịch vụ, {done.hall.counters} quầy; bảng điện tử /sanh/bang/"
              f"{done.hall.kiosk_key}/, màn hình /sanh/man-hinh/{done.hall.display_key}/, quầy /sanh/quay/.")
        if getattr(done.hall, "history_days", 0):
            print(f"Lịch sử sảnh: {done.hall.history_days} ngày làm việc, {done.hall.history_tickets} vé "
                  f"({done.hall.history_seconds:.1f} giây); thống kê /sanh/thong-ke/.")
    if done.campaigns is not None:
        print(f"Làm sạch sổ đăng ký: {done.campaigns.campaigns} chiến dịch (hôn nhân, học sinh, đất đai, liệt sĩ), "
              f"{done.campaigns.records} bản ghi, {done.campaigns.questions} câu hỏi gửi xã; bảng tổng hợp /so-dang-ky/.")
    if done.vms is not None:
        print(f"Giám sát hành trình: {done.vms.positions} vị trí của {done.vms.vessels} tàu từ 15 m (30 ngày), "
              f"{done.vms.alerts} cảnh báo ({done.vms.seconds:.1f} giây); bàn trực /giam-sat/, tài khoản API của nhà "
              f"cung cấp vms_nhacungcap.")
    print(f"Tài khoản mẫu (mật khẩu chung: {args.password}):")
    for username, _role, communes, description in done.users:
        area = f" — {', '.join(communes)}" if communes else ""
        print(f"  {username:<16} {description}{area}")
    from lienthong.demo_campaigns import DEPARTMENT_USERS

    for username, _registry, description in DEPARTMENT_USERS:
        print(f"  {username:<16} {description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lienthong", description="lienthong: liên thông dữ liệu với dân cư")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("manage", help="Django management commands (migrate, createsuperuser, …)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)

    p = sub.add_parser("serve", help="serve the web app (gunicorn on Linux, waitress on Windows) and the job worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None, help="processes (default: LIENTHONG_WORKERS, else one per core)")
    p.add_argument("--threads", type=int, default=None, help="threads per process (default: LIENTHONG_THREADS, else 8)")
    p.add_argument("--no-worker", action="store_true", help="do not start the background job worker")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run background jobs (sync runs) without the web server", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("import-registry", help="import a registry file (xlsx, xls, csv)")
    p.add_argument("file")
    p.add_argument("--sheet", default=None)
    p.add_argument("--mapping", default=None, help="name of a saved column mapping")
    p.set_defaults(func=cmd_import_registry)

    p = sub.add_parser("import-procedures", help="import the procedure catalogue (xlsx in the national database's terms)")
    p.add_argument("file")
    p.set_defaults(func=cmd_import_procedures)

    p = sub.add_parser("audit-verify", help="verify the audit log's hash chain; exit 1 at the first broken event")
    p.set_defaults(func=cmd_audit_verify)

    p = sub.add_parser("demo-setup", help="migrate, write and import the demo province, create demo logins")
    p.add_argument("--vessels", type=int, default=10026)
    p.add_argument("--population", type=int, default=200_000)
    p.add_argument("--files-dir", default=None, help="where the demo files go (default: $LIENTHONG_DATA_DIR/demo)")
    from lienthong.demo_site import DEMO_PASSWORD

    p.add_argument("--password", default=DEMO_PASSWORD)
    p.set_defaults(func=cmd_demo_setup)

    p = sub.add_parser("demo-data", help="write a realistic synthetic demo province (files)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("link", help="link registry records to the population (identity engine)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("clean", help="clean a registry (marriage…) against the population, in batch", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("vms-check", help="vessel monitoring in batch: gaps at sea and zone breaches of a file of positions",
                       add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_vms_check)

    p = sub.add_parser("population-import", help="import a population extract into the embedded store", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_population_import)

    p = sub.add_parser("population-serve", help="reference population verification service over an extract", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_population_serve)

    p = sub.add_parser("notify-serve", help="reference notification gateway (records what it receives)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_notify_serve)

    p = sub.add_parser("portal-push", help="send the national portal's outbox now")
    p.add_argument("--limit", type=int, default=200, help="rows claimed at a time")
    p.set_defaults(func=cmd_portal_push)

    p = sub.add_parser("portal-reconcile", help="list dossiers whose state at the national portal differs from ours")
    p.add_argument("--push-again", action="store_true", help="queue each of them to be pushed again")
    p.add_argument("--days", type=int, default=0, help="only dossiers still open or changed in the last N days (default: all)")
    p.set_defaults(func=cmd_portal_reconcile)

    p = sub.add_parser("portal-serve", help="reference national public-service portal (optional injected faults)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_portal_serve)

    p = sub.add_parser("printer-serve", help="reference ESC/POS network receipt printer (records jobs; injected faults)",
                       add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_printer_serve)
    return parser


# Sub-commands that own their arguments: argparse's REMAINDER drops a rest that starts with "--option",
# so these are handed their argv before argparse sees it (they stay in the parser for --help).
HANDOVER = {
    "manage": cmd_manage,
    "demo-data": cmd_demo_data,
    "link": cmd_link,
    "clean": cmd_clean,
    "vms-check": cmd_vms_check,
    "population-import": cmd_population_import,
    "population-serve": cmd_population_serve,
    "notify-serve": cmd_notify_serve,
    "portal-serve": cmd_portal_serve,
    "printer-serve": cmd_printer_serve,
    "worker": cmd_worker,
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in HANDOVER:
        return int(HANDOVER[argv[0]](argparse.Namespace(command=argv[0], rest=argv[1:])) or 0)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
