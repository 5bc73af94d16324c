"""In-app notifications and mail: how the platform tells a user something."""
