"""The 26 pilot domains of 国办发〔2019〕54号 (domain.md §3), as seed data with stable ids.

The migration that creates the domain table inserts these rows; renames and merges are then
data changes made through the API, never edits of this list.
"""

import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:gongkai:catalog:domain")

# (code, name, unverified) in the order of the State Council list.
PILOT_DOMAINS: tuple[tuple[str, str, bool], ...] = (
    ("urban-rural-planning", "城乡规划", False),
    ("major-construction-projects", "重大建设项目", False),
    ("public-resource-trading", "公共资源交易", False),
    ("budgets-and-final-accounts", "财政预决算", False),
    ("work-safety", "安全生产", False),
    ("tax-administration", "税收管理", True),
    ("land-expropriation-compensation", "征地补偿", False),
    ("housing-expropriation-compensation", "国有土地上房屋征收与补偿", False),
    ("rural-dilapidated-housing", "农村危房改造", False),
    ("affordable-housing", "保障性住房", False),
    ("municipal-services", "市政服务", False),
    ("urban-law-enforcement", "城市综合执法", True),
    ("ecological-environment", "生态环境", False),
    ("public-cultural-services", "公共文化服务", False),
    ("public-legal-services", "公共法律服务", False),
    ("poverty-alleviation", "扶贫", False),
    ("disaster-relief", "救灾", False),
    ("social-assistance", "社会救助", False),
    ("elderly-care", "养老服务", False),
    ("household-registration", "户籍管理", False),
    ("agricultural-subsidies", "涉农补贴", False),
    ("food-and-drug-supervision", "食品药品监管", False),
    ("employment", "就业", False),
    ("social-insurance", "社会保险", False),
    ("compulsory-education", "义务教育", False),
    ("health", "卫生健康", False),
)


def domain_id(code: str) -> uuid.UUID:
    """The fixed id of a seeded domain, the same in every database."""
    return uuid.uuid5(NAMESPACE, code)


def seed_rows() -> list[dict[str, object]]:
    return [
        {
            "id": domain_id(code),
            "code": code,
            "name": name,
            "former_names": [],
            "division_code": None,
            "merged_into_id": None,
            "unverified": unverified,
            "position": position,
        }
        for position, (code, name, unverified) in enumerate(PILOT_DOMAINS, start=1)
    ]
