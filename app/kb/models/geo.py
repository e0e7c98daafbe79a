"""Provinces and districts: the geography that scopes records and places offices."""
from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.kb.models.base import Audited, Base, origin_check


class Province(Audited, Base):
    __tablename__ = "provinces"
    __table_args__ = (origin_check(),)

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # official 2-digit code
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))

    districts: Mapped[list[District]] = relationship(
        back_populates="province", lazy="raise_on_sql", order_by="District.code"
    )

    @property
    def is_bangkok(self) -> bool:
        return self.code == BANGKOK


class District(Audited, Base):
    """An amphoe, or one of Bangkok's 50 khet.

    ``latitude``/``longitude`` estimate the district's middle, not its office.
    """

    __tablename__ = "districts"
    __table_args__ = (origin_check(),)

    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # official 4-digit code
    province_code: Mapped[str] = mapped_column(String(2), ForeignKey("provinces.code"), index=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    is_bangkok_khet: Mapped[bool] = mapped_column(Boolean, default=False)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # 'subdistrict_mean' or 'polygon': which estimate the point is.
    point_method: Mapped[str | None] = mapped_column(String(32))

    province: Mapped[Province] = relationship(back_populates="districts", lazy="raise_on_sql")

    @property
    def is_capital_district(self) -> bool:
        """The Mueang district (or Phra Nakhon for Bangkok): code ends in 01."""
        return self.code.endswith("01")


BANGKOK = "10"
