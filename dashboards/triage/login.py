"""The sign-in form shown before the queue: the dashboard calls the API with the user's token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboards.common.api_client import TriageApiClient
from dashboards.errors import DashboardError


class LoginView(Viewer):
    """Username and password; on success `on_signed_in` is called once."""

    client = param.ClassSelector(class_=TriageApiClient, doc="The API client to sign in with.")
    error = param.String(default="", doc="Why the last sign-in failed, shown under the form.")

    def __init__(self, on_signed_in: Callable[[], None], **params: Any) -> None:
        super().__init__(**params)
        self._on_signed_in = on_signed_in
        self.username = pn.widgets.TextInput(label="Username", css_classes=["login-username"])
        self.password = pn.widgets.PasswordInput(label="Password", css_classes=["login-password"])
        self.submit = pn.widgets.Button(
            label="Sign in", color="primary", css_classes=["login-submit"]
        )
        self.submit.on_click(lambda _event: self.sign_in())

    def sign_in(self) -> bool:
        """Try the entered credentials; return whether they worked."""
        try:
            # value_input follows every keystroke; value only changes when the field blurs,
            # which may reach the server after the click.
            username = self.username.value_input or self.username.value or ""
            password = self.password.value_input or self.password.value or ""
            self.client.sign_in(username.strip(), password)
        except DashboardError as exc:
            self.error = f"Could not sign in: {exc}"
            return False
        self.error = ""
        self.password.param.update(value="", value_input="")
        self._on_signed_in()
        return True

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the form."""
        message = pn.pane.Alert(
            self.param.error, alert_type="danger", visible=self.param.error.rx.bool()
        )
        return pn.Column(
            pn.pane.Markdown("### Sign in"),
            self.username,
            self.password,
            self.submit,
            message,
            width=360,
            margin=(20, 20),
        )
