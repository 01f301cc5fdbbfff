"""The desk's figures per day, week, service, counter and officer, and the Friday evaluation."""
