"""The facilitator's pages: the console and the run's controls (routes), the board, plan and
exports (board), this run beside earlier ones (comparison), rehearsal, clearing and the
workshop files (manage), the texts waiting for approval (moderation). Every route is listed
here."""

from __future__ import annotations

from flask import Blueprint

from . import board, comparison, manage, moderation, routes


def blueprint() -> Blueprint:
    bp = Blueprint("facilitator", __name__, url_prefix="/facilitator")
    bp.add_url_rule("/login", view_func=routes.login, methods=["GET", "POST"])
    bp.add_url_rule("/logout", view_func=routes.logout, methods=["POST"])
    bp.add_url_rule("/", view_func=routes.console)
    bp.add_url_rule("/runs", view_func=routes.create_run, methods=["POST"])
    bp.add_url_rule("/runs/<code>", view_func=routes.run_console)
    bp.add_url_rule("/join-address", view_func=routes.choose_join_address, methods=["POST"])
    bp.add_url_rule("/runs/<code>/questions/<question_id>/<action>", view_func=routes.question_action, methods=["POST"])
    bp.add_url_rule("/runs/<code>/open-all", view_func=routes.open_all, methods=["POST"])
    bp.add_url_rule("/runs/<code>/projector/<step>", view_func=routes.show_step, methods=["POST"])
    bp.add_url_rule("/runs/<code>/step/<direction>", view_func=routes.move_step, methods=["POST"])
    bp.add_url_rule("/runs/<code>/remote", view_func=routes.remote)
    bp.add_url_rule("/runs/<code>/presenter", view_func=routes.presenter_page)
    bp.add_url_rule("/runs/<code>/qr.svg", view_func=routes.qr_code)

    bp.add_url_rule("/runs/<code>/board", view_func=board.board)
    bp.add_url_rule("/runs/<code>/board/fragment", view_func=board.board_fragment)
    bp.add_url_rule("/runs/<code>/board/mark", view_func=board.mark, methods=["POST"])
    bp.add_url_rule("/runs/<code>/board/merge", view_func=board.merge, methods=["POST"])
    bp.add_url_rule("/runs/<code>/board/notes", view_func=board.add_note, methods=["POST"])
    bp.add_url_rule("/runs/<code>/board/notes/<int:note_id>/delete", view_func=board.delete_note, methods=["POST"])
    bp.add_url_rule("/runs/<code>/board/share", view_func=board.share_board, methods=["POST"])
    bp.add_url_rule("/runs/<code>/plan", view_func=board.plan, methods=["GET", "POST"])
    bp.add_url_rule("/runs/<code>/plan/redraft", view_func=board.redraft_plan, methods=["POST"])
    bp.add_url_rule("/runs/<code>/plan.docx", view_func=board.plan_docx)
    bp.add_url_rule("/runs/<code>/export/<table>.csv", view_func=board.export_csv)
    bp.add_url_rule("/runs/<code>/export/workbook.xlsx", view_func=board.export_xlsx)

    bp.add_url_rule("/runs/<code>/comparison", view_func=comparison.comparison)
    bp.add_url_rule("/runs/<code>/comparison.csv", view_func=comparison.comparison_csv)
    bp.add_url_rule("/runs/<code>/comparison/project", "comparison_project", comparison.project, methods=["POST"])
    bp.add_url_rule("/runs/<code>/in-comparisons", view_func=comparison.in_comparisons, methods=["POST"])

    bp.add_url_rule("/runs/<code>/rehearse", view_func=manage.rehearse, methods=["POST"])
    bp.add_url_rule("/runs/<code>/clear", view_func=manage.clear, methods=["POST"])
    bp.add_url_rule("/runs/<code>/delete", view_func=manage.delete, methods=["POST"])
    bp.add_url_rule("/templates/<template_id>", view_func=manage.template_preview)
    bp.add_url_rule("/templates/<template_id>/duplicate", view_func=manage.duplicate_template, methods=["POST"])
    bp.add_url_rule("/templates", view_func=manage.upload_template, methods=["POST"])

    bp.add_url_rule("/runs/<code>/moderation", view_func=moderation.queue_fragment)
    bp.add_url_rule("/runs/<code>/moderation/<question_id>/approve-all", view_func=moderation.approve_all,
                    methods=["POST"])
    bp.add_url_rule("/runs/<code>/moderation/<question_id>/<decision>", view_func=moderation.decide,
                    methods=["POST"])
    return bp
