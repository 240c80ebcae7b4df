"""A public document as schema.org ``Legislation`` (JSON-LD), for search engines and harvesters.

发文字号 is the ``legislationIdentifier``, 成文日期 the ``legislationDate``, the issuing
agencies ``legislationPassedBy``, and today's 有效性 the ``legislationLegalForce``.
"""

from typing import Any

from services.documents.lifecycle.models import Validity
from services.documents.records.present import BASE
from services.documents.records.schemas import DocumentRead

MEDIA_TYPE = "application/ld+json"
SCHEMA = "https://schema.org/"
# schema.org's LegislationForceStatus: amended or partly invalid documents are still in force.
LEGAL_FORCE = {
    Validity.NOT_YET_EFFECTIVE: "NotInForce",
    Validity.IN_FORCE: "InForce",
    Validity.AMENDED: "InForce",
    Validity.PARTIALLY_INVALID: "PartiallyInForce",
    Validity.REPEALED: "NotInForce",
    Validity.EXPIRED: "NotInForce",
}


def wants_jsonld(accept: str | None) -> bool:
    """Whether ``Accept`` asks for JSON-LD before plain JSON (a harvester's request)."""
    if not accept:
        return False
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.strip().lower()))
    best = [media for q, _, media in sorted(ranked) if q < 0]
    return bool(best) and best[0] == MEDIA_TYPE


def legislation(document: DocumentRead, base: str) -> dict[str, Any]:
    """The JSON-LD object of one document; ``base`` is the public site address."""
    url = f"{base}{BASE}/{document.id}"
    agencies = [
        {
            "@type": "GovernmentOrganization",
            "@id": f"{base}/api/v1/catalog/agencies/{a.id}",
            "name": a.name,
        }
        for a in document.agencies
    ]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": url,
        "url": url,
        "name": document.title,
        "inLanguage": "zh-CN",
        "identifier": {
            "@type": "PropertyValue",
            "propertyID": "索引号",
            "value": document.index_number,
        },
        "legislationType": document.type.name,
        "legislationDate": document.written_on.isoformat(),
        "legislationPassedBy": agencies,
        "publisher": agencies[0] if agencies else None,
        "keywords": "，".join(document.keywords) or None,
        "about": {"@type": "Thing", "name": document.subject.name} if document.subject else None,
        "datePublished": document.published_on.isoformat() if document.published_on else None,
        "dateModified": document.updated_at.isoformat(),
        "expires": document.expires_on.isoformat() if document.expires_on else None,
        "isAccessibleForFree": True,
    }
    if document.doc_number:
        data["legislationIdentifier"] = document.doc_number
    if document.validity is not None:
        data["legislationLegalForce"] = SCHEMA + LEGAL_FORCE[document.validity.status]
        if document.validity.status in {Validity.IN_FORCE, Validity.AMENDED}:
            data["legislationDateVersion"] = document.validity.since.isoformat()
    return {key: value for key, value in data.items() if value is not None}
