"""The request pipeline; the stage order is written down in ``flow.run``."""
