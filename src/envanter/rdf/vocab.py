"""The vocabularies envanter writes and reads: each namespace once, and the IRIs used by name."""

from __future__ import annotations

import pyoxigraph as ox

CPSV = "http://purl.org/vocab/cpsv#"
CV = "http://data.europa.eu/m8g/"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"
FOAF = "http://xmlns.com/foaf/0.1/"
LDES = "https://w3id.org/ldes#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
TREE = "https://w3id.org/tree#"
ACTIVITY = "https://www.w3.org/ns/activitystreams#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# EU authority tables and IANA's registry, as DCAT-AP names them
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
THEME = "http://publications.europa.eu/resource/authority/data-theme/"

RDF_TYPE = ox.NamedNode(RDF + "type")
PUBLIC_SERVICE = CPSV + "PublicService"
XSD_STRING = XSD + "string"
