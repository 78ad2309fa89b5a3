"""The service hall of a one-stop centre: the electronic board (kiosk) where citizens take a ticket, the counters
that call them, the hall's display, the phone page that follows a ticket, ratings at the counter, the hall's
statistics and wait estimates. A ticket carries no personal data; it becomes a dossier at the counter
(lienthong.onestop) without anything typed twice."""
