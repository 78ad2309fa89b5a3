"""What every printed document shares: the Vietnamese-capable fonts (fonts/)."""
