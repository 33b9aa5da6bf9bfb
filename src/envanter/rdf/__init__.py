"""RDF: tidy tables with CSVW metadata, stable keys, the mapping engine, dumps and documents."""
