from django.contrib.auth import views as auth_views
from django.urls import path

from zhenggai.web.views import account, bulk, home, notifications, overview

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password-change"),
    path("ledger/bulk/", bulk.bulk, name="ledger-bulk"),
    path("overview/", overview.overview_page, name="overview"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/read-all/", notifications.read_all, name="notification-read-all"),
    path("notifications/<int:pk>/open/", notifications.open_notification, name="notification-open"),
    path("notifications/<int:pk>/read/", notifications.mark_read, name="notification-read"),
]
