"""The offline engine: the program run under Pulumi's mocks (`mocks`), recording every
registration as the engine would see it."""
