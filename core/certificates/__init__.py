"""Training certificates: issuing, looking up by code, and rendering the PDF."""
