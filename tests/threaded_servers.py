"""Reference servers (waitress) run in a thread of the test process: stopping them cleanly."""
from __future__ import annotations


def stop_in_thread(server, thread) -> None:
    """Stop a waitress server running in `thread`. Its loop runs while its map holds sockets: a thunk through the
    trigger empties the map (the loop ends), then this thread closes the sockets. Closing them from here while
    the loop runs races its select(); closing them inside the loop lets waitress's trigger close one descriptor
    twice, which another thread may have reused meanwhile ("Bad file descriptor" in a later test)."""
    held = []

    def empty_the_map():
        held.extend(server._map.values())
        server._map.clear()

    server.trigger.pull_trigger(empty_the_map)
    thread.join(10)
    assert not thread.is_alive(), "the server's loop did not end"
    server.task_dispatcher.shutdown()
    for dispatcher in held:
        try:
            dispatcher.close()
        except OSError:
            pass
