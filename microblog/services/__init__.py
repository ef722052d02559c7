"""The service layer: the platform's rules, called in-process by the simulator and over HTTP."""
