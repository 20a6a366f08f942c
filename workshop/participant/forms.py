from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..form_text import name_filter
from ..services.joining import MAX_DISPLAY_NAME, MAX_GROUP_NAME


class CodeForm(FlaskForm):
    code = StringField(_l("Workshop code"), validators=[DataRequired(), Length(max=32)])


class JoinForm(FlaskForm):
    group = RadioField(_l("Your group (table)"), choices=[], validate_choice=False,
                       validators=[Optional()], filters=[name_filter])
    new_group = StringField(_l("Or name a new group"), filters=[name_filter],
                            validators=[Optional(), Length(max=MAX_GROUP_NAME)])
    display_name = StringField(_l("Your name (optional)"), filters=[name_filter],
                               validators=[Optional(), Length(max=MAX_DISPLAY_NAME)])


class AnswerForm(FlaskForm):
    """Only the CSRF token: the answer's own fields are validated by the domain."""
