"""The adapter to the national public-service portal: its wire format (`wire`, the one module that knows it),
the HTTP client (`client`) and a reference portal (`server`, `lienthong portal-serve`). Framework-free: the
outbox and its dispatcher live in lienthong.onestop."""
