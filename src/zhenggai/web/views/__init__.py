"""The signed-in shell's pages: role homes, the notification inbox, account pages."""
