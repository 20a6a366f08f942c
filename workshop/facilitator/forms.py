from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, Regexp

from ..domain.plan import GOALS_MAX, GOALS_MIN
from ..form_text import name_filter, text_filter


class LoginForm(FlaskForm):
    secret = PasswordField(_l("Facilitator secret"), validators=[DataRequired(), Length(max=200)])


class NewRunForm(FlaskForm):
    template = SelectField(_l("Workshop template"), choices=[], validators=[DataRequired()])
    language = SelectField(_l("Language on the projector"),
                           choices=[("nb", "Norsk bokmål"), ("en", "English")], default="nb")


class JoinAddressForm(FlaskForm):
    """The facilitator's choice of the address phones join at (one of this machine's)."""

    address = StringField(validators=[DataRequired(), Length(max=253)])
    next = HiddenField(validators=[Optional(), Length(max=300)])


class ActionForm(FlaskForm):
    """CSRF only: the buttons that open, close and reveal questions."""


class MarkForm(FlaskForm):
    """Pin or hide an answer on the board (on="1"), or undo it (on="0")."""

    question_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    kind = HiddenField(validators=[AnyOf(["pin", "hide", "answered"])])
    ref = HiddenField(validators=[DataRequired(), Length(max=300)])
    on = HiddenField(validators=[AnyOf(["0", "1"])])


class ModerationForm(FlaskForm):
    """Approve a waiting text (it reaches the screens) or hide it."""

    ref = HiddenField(validators=[DataRequired(), Length(max=300)])


class MergeForm(FlaskForm):
    """Merge a duplicate idea (source) into another (target)."""

    question_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    source = HiddenField(validators=[DataRequired(), Length(max=140)])
    target = StringField(validators=[DataRequired(), Length(max=140)])


class NoteForm(FlaskForm):
    question_id = HiddenField(validators=[Optional(), Length(max=64)])
    text = TextAreaField(_l("Discussion note"), filters=[text_filter],
                         validators=[DataRequired(), Length(max=500)])


class ShareForm(FlaskForm):
    on = HiddenField(validators=[AnyOf(["0", "1"])])


class GoalForm(Form):
    """One goal of the plan, every field editable; the lists' choices come from the plan file
    (and the room's answers), set by the view."""

    goal = StringField(_l("Goal"), filters=[name_filter], validators=[DataRequired(), Length(max=200)])
    fruit = SelectField(_l("Fruit"), choices=[])
    category = SelectField(_l("Procurement category"), choices=[])
    area = SelectField(_l("Follow-up area (DFØ)"), choices=[])
    measure = TextAreaField(_l("Indicator: what is measured"), filters=[text_filter],
                            validators=[Optional(), Length(max=600)])
    report = TextAreaField(_l("What to report"), filters=[text_filter], validators=[Optional(), Length(max=600)])
    report_to = SelectMultipleField(_l("Report to"), choices=[])
    frequency = SelectField(_l("How often"), choices=[])
    responsible = SelectField(_l("Responsible (role)"), choices=[])
    responsible_name = StringField(_l("Name or unit"), filters=[name_filter],
                                   validators=[Optional(), Length(max=100)])
    supplier_questions = TextAreaField(
        _l("First questions for the supplier (one per line)"), filters=[text_filter],
        validators=[Optional(), Length(max=1500)])
    startup_agenda = TextAreaField(
        _l("Agenda points for the start-up meeting (one per line)"), filters=[text_filter],
        validators=[Optional(), Length(max=1500)])
    sanctions = SelectMultipleField(_l("Sanctions"), choices=[])
    incentives = SelectMultipleField(_l("Incentives"), choices=[])
    risk = TextAreaField(_l("Risk it answers"), filters=[text_filter],
                         validators=[Optional(), Length(max=400)])
    remove = BooleanField(_l("Remove this goal"))


class PlanForm(FlaskForm):
    goals = FieldList(FormField(GoalForm), min_entries=0, max_entries=GOALS_MAX)


class RedraftForm(FlaskForm):
    count = SelectField(_l("Number of goals"), choices=[(str(n), str(n)) for n in range(GOALS_MIN, GOALS_MAX + 1)],
                        default="4")


class RehearseForm(FlaskForm):
    participants = IntegerField(_l("Simulated participants"), default=30,
                                validators=[NumberRange(min=1, max=500)])
    groups = IntegerField(_l("Groups"), default=5, validators=[NumberRange(min=1, max=50)])
    seed = IntegerField(_l("Seed"), default=1, validators=[NumberRange(min=0, max=10**9)])
    delay = DecimalField(_l("Seconds between answers"), default=0.05, places=2,
                         validators=[NumberRange(min=0, max=10)])


class ConfirmCodeForm(FlaskForm):
    """Deleting a run asks for its code, so it is never done by a stray click."""

    code = StringField(_l("Type the run's code to confirm"), validators=[DataRequired(), Length(max=12)])


class DuplicateForm(FlaskForm):
    new_id = StringField(_l("Id of the new workshop"),
                         validators=[DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$")])


class UploadForm(FlaskForm):
    file = FileField(_l("Workshop file (YAML)"), validators=[FileRequired()])
