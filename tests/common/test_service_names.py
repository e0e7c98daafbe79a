from common.service_names import name_variants


def test_a_certificate_asked_for_is_also_written_with_its_classifier() -> None:
    assert name_variants("ขอมรณบัตร") == ["ขอมรณบัตร", "ขอใบมรณบัตร"]
    assert name_variants("ทำสูติบัตร") == ["ทำสูติบัตร", "ทำใบสูติบัตร"]


def test_other_names_are_kept_as_they_are() -> None:
    for name in ("ทำบัตรคนพิการ", "ขอใบเกิด", "ทำพาสปอร์ต", "แจ้งตาย", "มรณบัตร"):
        assert name_variants(name) == [name]
