"""Web pages, one module per subject; each view parses the request, calls services or selectors, renders."""
