"""The editable holiday table: statutory holidays and make-up working days (调休)."""
