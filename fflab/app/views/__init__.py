"""What each experiment page draws below its run statuses (see `fflab.app.live.View`)."""
