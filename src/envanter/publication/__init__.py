"""The publication: catalog, site, ontology documentation and the changes between releases."""
