"""callwatch: keep track of funding calls for Swedish municipalities and rank where to engage."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/callwatch/callwatch"
USER_AGENT = (
    f"callwatch/{__version__} (+{HOMEPAGE}; funding-call monitor for Swedish municipalities)"
)
