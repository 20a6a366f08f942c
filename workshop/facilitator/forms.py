from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    secret = PasswordField(_l("Facilitator secret"), validators=[DataRequired(), Length(max=200)])


class NewRunForm(FlaskForm):
    template = SelectField(_l("Workshop template"), choices=[], validators=[DataRequired()])
    language = SelectField(_l("Language on the projector"),
                           choices=[("nb", "Norsk bokmål"), ("en", "English")], default="nb")


class ActionForm(FlaskForm):
    """CSRF only: the buttons that open, close and reveal questions."""
