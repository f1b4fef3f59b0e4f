"""The benchmark (`make bench`): the program's plan timed against a floor that registers the
same resources through the SDK's own mocks."""
