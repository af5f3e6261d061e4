"""evcompare: Xiaomi EV against Huawei's HIMA alliance, every figure traced to its source."""

__version__ = "0.1.0"
