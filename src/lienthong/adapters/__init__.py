"""What every adapter to an outside service shares: the client's resilience (circuit breaker, token bucket,
backoff with jitter, Retry-After) and the reference servers' JSON plumbing (body limit, error replies,
dropped connections for fault injection). Framework-free: population-serve and notify-serve run without Django."""
