"""Renderers: the plan, the reviewer's Markdown and the plan diff, from data already computed.
No command line, no Pulumi, no file reading but what a caller hands them."""
