"""Test corpus: render the transcribed sample disclosures as the files bureaus publish.

`render.py` is the entry point (API and CLI); `layout.py` turns a document's data into a
format-neutral sequence of headings, paragraphs and table grids that the DOCX, PDF and XLSX
writers draw identically.
"""
