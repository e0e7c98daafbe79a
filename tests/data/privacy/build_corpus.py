"""Build personal.yml and clean.yml from hand-written LINE messages (run once, in .venv/app).

Each template is a message as citizens type it to the assistant; slots are filled
with invented values in the many shapes people write them (dashes, spaces, Thai
digits, +66, no space before Thai letters). Spans are recorded while filling, so
the expected offsets are exact. Seeded: running it again gives the same files.

    .venv/app/bin/python tests/data/privacy/build_corpus.py
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
rng = random.Random(11)
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

FIRST = ["สมชาย", "สมศักดิ์", "กนกวรรณ", "มานี", "ธนกฤต", "ปิยะพงษ์", "วิไลวรรณ", "บุญมี", "สมหมาย",
         "ณัฐวุฒิ", "ศิริพร", "อรอุมา", "ชาตรี", "นิภาพร", "สุนทร", "พรทิพย์", "อนุชา", "จิราพร",
         "ประเสริฐ", "วันเพ็ญ", "ธีรวัฒน์", "สุภาวดี", "กิตติศักดิ์", "รัตนา", "เกศินี", "ชยพล",
         "ภัทรา", "อำนาจ", "ปวีณา", "สุริยา", "นงลักษณ์", "วีระพงษ์", "ศุภชัย", "ลำดวน", "บุญเรือน",
         "ทองใบ", "ปัณณวัฒน์", "ณิชาภัทร", "กมลชนก", "อภิชาติ"]
LAST = ["ใจดี", "ศรีสุข", "วงศ์ใหญ่", "แสงทอง", "บุญมา", "สุขสวัสดิ์", "พรหมมา", "ทองคำ", "จันทร์หอม",
        "มีสุข", "ศรีสวัสดิ์", "แก้วมณี", "ปัญญาดี", "รักษ์ไทย", "สายบุญ", "เพชรรัตน์", "อินทร์แก้ว",
        "ชัยมงคล", "วิเศษศักดิ์", "ทองประเสริฐ", "บัวแก้ว", "พิมพ์ทอง", "ธนากร", "คำภา", "ศรีบุญเรือง",
        "ดวงแก้ว", "ปานทอง", "สมบูรณ์ชัย", "นาคสวัสดิ์", "กิตติวงศ์"]
HON = ["นาย", "นาง", "นางสาว", "น.ส.", "คุณ", "ด.ช.", "ด.ญ."]
EMAIL_USERS = ["somchai.j", "kanokwan88", "manee_mee", "thanakrit.w", "piyapong1990", "wilaiwan.s",
               "boonmee2512", "nattawut.k", "siriporn_p", "onuma.t", "chatree99", "nipaporn.b"]
DOMAINS = ["gmail.com", "hotmail.com", "yahoo.co.th", "outlook.co.th", "icloud.com", "kkumail.com"]
PROV = ["กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "ชลบุรี", "สงขลา", "อุดรธานี", "กทม."]
PLATE_LETTERS = ["กข", "ขค", "1กข", "2กท", "ฆฆ", "3ขบ", "งจ", "8กษ", "บย", "7กอ"]
HANDLES = ["somchai_88", "nong.mint", "kanokwan1234", "pao_lovely", "boonmee.t", "jiraporn99"]


def nid() -> str:
    d = [rng.randint(1, 8)] + [rng.randint(0, 9) for _ in range(11)]
    check = (11 - sum(x * (13 - i) for i, x in enumerate(d)) % 11) % 10
    if rng.random() < 0.15:  # a typo: the checksum fails, still an ID
        check = (check + rng.randint(1, 9)) % 10
    return "".join(map(str, d)) + str(check)


def fmt_id(s: str) -> str:
    style = rng.choice(["plain", "dash", "dash", "space", "thai", "thai_dash"])
    grouped = f"{s[0]}-{s[1:5]}-{s[5:10]}-{s[10:12]}-{s[12]}"
    return {"plain": s, "dash": grouped, "space": grouped.replace("-", " "),
            "thai": s.translate(THAI), "thai_dash": grouped.translate(THAI)}[style]


def mobile() -> str:
    n = rng.choice(["08", "09", "06"]) + str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    style = rng.choice(["plain", "dash", "dash", "space", "plus", "plus_space", "thai", "dash2"])
    return {"plain": n, "dash": f"{n[:3]}-{n[3:6]}-{n[6:]}", "space": f"{n[:3]} {n[3:6]} {n[6:]}",
            "plus": "+66" + n[1:], "plus_space": f"+66 {n[1:3]} {n[3:6]} {n[6:]}",
            "thai": n.translate(THAI), "dash2": f"{n[:2]}-{n[2:6]}-{n[6:]}"}[style]


def landline() -> str:
    area = rng.choice(["02", "053", "043", "074", "038", "044", "042"])
    rest = "".join(str(rng.randint(0, 9)) for _ in range(9 - len(area)))
    n = area + rest
    if area == "02":
        return rng.choice([f"02-{n[2:5]}-{n[5:]}", f"02 {n[2:5]} {n[5:]}", n, f"+66 2 {n[2:5]} {n[5:]}"])
    return rng.choice([f"{n[:3]}-{n[3:6]}-{n[6:]}", f"{n[:3]}-{n[3:]}", n.translate(THAI)])


def phone() -> str:
    return mobile() if rng.random() < 0.75 else landline()


def email() -> str:
    return f"{rng.choice(EMAIL_USERS)}@{rng.choice(DOMAINS)}"


def bank() -> str:
    n = "".join(str(rng.randint(0, 9)) for _ in range(10))
    n = str(rng.randint(1, 9)) + n[1:]
    return rng.choice([f"{n[:3]}-{n[3]}-{n[4:9]}-{n[9]}", f"{n[:3]}-{n[3]}-{n[4:9]}-{n[9]}", n])


def card() -> str:
    d = [4] + [rng.randint(0, 9) for _ in range(14)]
    total = 0
    for i, x in enumerate(reversed(d)):
        y = x * 2 if i % 2 == 0 else x
        total += y - 9 if y > 9 else y
    s = "".join(map(str, d)) + str((10 - total % 10) % 10)
    return rng.choice([s, " ".join(s[i:i + 4] for i in range(0, 16, 4)), "-".join(s[i:i + 4] for i in range(0, 16, 4))])


def line_user() -> str:
    return "U" + "".join(rng.choice("0123456789abcdef") for _ in range(32))


def plate(with_province: bool) -> str:
    body = f"{rng.choice(PLATE_LETTERS)}{rng.choice([' ', '', ' '])}{rng.randint(1, 9999)}"
    return f"{body} {rng.choice(PROV)}" if with_province else body


def name() -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.7 else rng.choice(FIRST)


FILL = {
    "id": lambda: fmt_id(nid()), "phone": phone, "mobile": mobile, "land": landline, "email": email,
    "bank": bank, "card": card, "lineid": line_user, "handle": lambda: rng.choice(HANDLES),
    "plate": lambda: plate(rng.random() < 0.4), "plateprov": lambda: plate(True), "name": name,
    "first": lambda: rng.choice(FIRST), "full": lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    "hon": lambda: rng.choice(HON),
}
KIND = {"id": "national_id", "phone": "phone", "mobile": "phone", "land": "phone", "email": "email",
        "bank": "bank_account", "card": "card", "lineid": "line_id", "handle": "line_id",
        "plate": "plate", "plateprov": "plate", "name": "name", "first": "name", "full": "name"}

PERSONAL = [
    # national ID
    "เลขบัตรประชาชน {id} ค่ะ", "บัตรประชาชนหายค่ะ เลข{id}", "ผมเลขบัตร {id} ครับ เช็คสิทธิ์ให้หน่อย",
    "เช็คสถานะคำขอให้หน่อยค่ะ เลขประจำตัว {id}", "{id} เลขบัตรแม่ค่ะ ต้องใช้ยื่นอะไรบ้าง",
    "ลงทะเบียนแล้วค่ะ เลขบัตร{id}ตรวจสอบให้ด้วย", "เลข13หลัก {id} ค่ะ", "สวัสดีครับ ผม {id} ครับ",
    "id card {id}", "เลขปชช.{id}ครับ", "เลขประจำตัวประชาชนลูก {id} ทำพาสปอร์ตได้ไหมคะ",
    "บัตรหมดอายุแล้วค่ะ เลข {id} ต้องไปทำที่ไหน", "ช่วยดูให้หน่อยครับ{id}ได้เงินยัง",
    "ขอเช็คเบี้ยผู้สูงอายุ แม่เลข {id}", "พิมพ์ผิดค่ะ ที่ถูกคือ {id}",
    # phones
    "โทรกลับเบอร์ {phone} ด้วยค่ะ", "เบอร์ติดต่อ {phone} ครับ", "ติดต่อกลับที่{mobile}นะคะ",
    "ถ้ามีอะไรโทรมาที่ {phone} ได้เลยค่ะ", "เบอร์ผม {mobile}", "เบอร์ใหม่ {mobile} ค่ะ ช่วยอัปเดตให้ด้วย",
    "โทร{mobile}ค่ะ รอสายอยู่", "เบอร์บ้าน {land} ค่ะ", "ที่ทำงานเบอร์ {land} ต่อ 12",
    "มีคนโทรมาจาก {phone} บอกว่าเป็นเจ้าหน้าที่ จริงไหมคะ", "{mobile} เบอร์ลูกสาวค่ะ",
    "เปลี่ยนเบอร์แล้วครับ เบอร์ใหม่{mobile}", "ขอให้เจ้าหน้าที่ติดต่อกลับ {phone} ช่วงบ่ายค่ะ",
    "ไม่สะดวกพิมพ์ค่ะ โทรหาที่ {mobile} หน่อย", "เบอร์โทร:{phone}",
    # email
    "ส่งเอกสารมาที่ {email} ได้ไหมคะ", "อีเมล {email} ค่ะ", "ขอแบบฟอร์มทางเมล {email} ครับ",
    "เมลผม{email}ครับ", "ส่งผลมาทาง{email}นะคะ", "e-mail: {email}", "สมัครไว้ด้วยอีเมล {email} แต่ลืมรหัส",
    # bank
    "โอนเงินเข้าบัญชี {bank} ธนาคารกรุงไทย", "บัญชีที่รับเงินคือ {bank} ค่ะ", "เลขบัญชี{bank}กสิกรค่ะ",
    "เงินช่วยเหลือเข้าบัญชี {bank} หรือยังครับ", "บช. {bank} ออมสิน", "ผูกพร้อมเพย์กับบัญชี {bank} แล้วค่ะ",
    "เปลี่ยนบัญชีรับเงินเป็น {bank} ได้ไหม",
    # card
    "บัตรเครดิตเลข {card} โดนตัดเงินค่ะ", "จ่ายค่าธรรมเนียมด้วยบัตร {card} ได้ไหม",
    "เลขบัตรเดบิต {card} ค่ะ", "card {card} exp 12/28",
    # LINE
    "ไลน์ผม {lineid}", "userId {lineid} ลงทะเบียนไม่ได้", "{lineid} ค่ะ อันนี้ไอดีที่ระบบให้มา",
    "ไอดีไลน์ {handle} ค่ะ แอดมาได้เลย", "line id: {handle}", "ไลน์ไอดี {handle} นะคะ",
    # plates
    "รถทะเบียน {plate} โดนใบสั่ง", "ทะเบียนรถ {plate} ค่ะ ต่อภาษีออนไลน์ได้ไหม",
    "ป้ายทะเบียน {plate} หายค่ะ", "รถเก๋ง {plateprov} ครบกำหนดต่อภาษีแล้ว",
    "ทะเบียน{plate}ค่ะ", "มอไซค์ {plateprov} ชนแล้วหนี แจ้งที่ไหนคะ",
    # names with cues
    "ผมชื่อ{name}ครับ", "ดิฉันชื่อ {name} ค่ะ", "ชื่อ {name} ค่ะ ต้องการแจ้งย้ายที่อยู่",
    "{hon}{name} ค่ะ ขอสอบถามเรื่องบัตร", "ทำเรื่องแทน{hon}{name}ได้ไหมคะ",
    "แม่ชื่อ{full} พ่อชื่อ{full}", "แจ้งเกิดลูกชื่อ {hon}{full} ค่ะ", "ผู้ป่วยชื่อ{hon}{full}",
    "เรียนเจ้าหน้าที่ ข้าพเจ้า{hon}{full} ขอยื่นคำร้อง", "ผม{hon}{full} ครับ",
    "ติดต่อ{hon}{first}ที่อำเภอได้ไหมคะ", "สามีชื่อ {full} เสียชีวิตแล้ว ต้องแจ้งตายที่ไหน",
    "ขอบคุณ{hon}{first}มากค่ะ", "ผู้รับมอบอำนาจ {hon}{full}",
    "หนูชื่อ{first}ค่ะ อายุ 15", "{full} ค่ะ ลงทะเบียนไว้แล้ว",
    # several at once
    "{hon}{full} เลขบัตร {id} โทร {mobile}", "ชื่อ {full} เบอร์ {mobile} ค่ะ",
    "ผมชื่อ{full} เลขบัตร{id}ครับ", "ส่งมาที่ {email} หรือโทร {phone} ก็ได้ค่ะ",
    "โอนคืนเข้าบัญชี {bank} ชื่อบัญชี {hon}{full}", "ทะเบียน {plate} เจ้าของรถ{hon}{full}",
    "ข้อมูลค่ะ\n{full}\n{id}\n{mobile}", "{id} {full} {mobile}",
]

CLEAN = [
    "ค่าธรรมเนียม {fee} บาทใช่ไหมคะ", "ทำบัตรประชาชนใหม่เสีย {fee} บาทหรอครับ", "สายด่วน {hotline} ค่ะ",
    "โทร {hotline} ได้ตลอด 24 ชม.ไหมคะ", "ใช้แบบฟอร์ม {form} ใช่ไหมครับ", "ขอคัดสำเนา {form} ได้ที่ไหน",
    "ปี {year} ต้องต่อภาษีรถเมื่อไหร่คะ", "สำนักงานเปิด {time} น. ใช่ไหม", "วันที่ {day} {month} {year} หยุดไหมคะ",
    "รหัสไปรษณีย์ {postcode} อยู่อำเภออะไรคะ", "อายุ {agemil} ปีต้องเกณฑ์ทหารไหมครับ", "ลูกอายุ {agechild} ปี ทำบัตรได้หรือยัง",
    "ต้องใช้เอกสารกี่ชุดคะ {n} ชุดพอไหม", "รอคิวมา {n} ชั่วโมงแล้วค่ะ", "ภายใน {days} วันใช่ไหมคะ",
    "ค่าปรับ {fee} บาท จ่ายที่ไหนได้บ้าง", "เบี้ยยังชีพ {fee} บาทเข้าวันที่ {day} ใช่ไหม",
    "แจ้งเกิดภายใน {days} วันนับจากวันเกิดใช่ไหมคะ", "มีคนรอ {n} คนข้างหน้าค่ะ", "เปิดถึง {time} หรือคะ",
    "คิวที่ {n} ค่ะ", "หมู่ {n} ตำบลบ้านใหม่ อยู่ในเขตอำเภอไหน", "ซอย {n} ถนนพหลโยธิน มีสำนักงานเขตไหม",
    "ยื่น {form} พร้อมสำเนาบัตรกี่ใบคะ", "เกิดปี {year} ต้องไปเกณฑ์ทหารปีไหน", "ทะเบียนบ้าน {n} ฉบับพอไหม",
    "ต่อใบขับขี่ {n} ปี ค่าธรรมเนียมเท่าไหร่", "พาสปอร์ต {n} ปี ราคา {fee} บาทใช่ไหมคะ",
    "คุณช่วยบอกขั้นตอนหน่อยได้ไหมคะ", "อยากเปลี่ยนชื่อต้องทำยังไงคะ", "เปลี่ยนชื่อสกุลใช้เอกสารอะไรบ้าง",
    "ชื่อในบัตรสะกดผิดค่ะ แก้ได้ที่ไหน", "ขอบคุณค่ะ", "ขอบคุณมากครับ ได้ข้อมูลแล้ว",
    "คุณแม่อายุ {ageold} ปี ได้เบี้ยผู้สูงอายุเดือนละเท่าไหร่คะ", "คุณพ่อเสียแล้วค่ะ ต้องแจ้งตายภายในกี่วัน",
    "ที่ว่าการอำเภอเมืองเชียงใหม่เปิดวันเสาร์ไหมคะ", "สำนักงานเขตบางรักอยู่ตรงไหน",
    "สายด่วนกรมการปกครอง {hotline} ติดต่อไม่ได้เลยค่ะ", "สำนักงานขนส่งจังหวัดขอนแก่นเปิดกี่โมง",
    "ยื่นภาษีเงินได้ ภ.ง.ด.{pnd} ทางออนไลน์ได้ไหม", "ต้องกรอก สด.{sd} ด้วยไหมครับ", "ได้ใบ สด.{sd} แล้วต้องทำอะไรต่อ",
    "ขอ ทร.{tr} ที่ไหนคะ", "แบบ ทร.{tr} หายค่ะ", "ค่าปรับแจ้งเกิดเกินกำหนด {fee} บาทหรอคะ",
    "ราคา {fee} บาทรวมค่าส่งไหม", "รายได้ไม่เกิน {money} บาทต่อปี ลงทะเบียนได้ไหม",
    "ได้เงินเยียวยา {money} บาทใช่ไหม", "ดอกเบี้ย {pct}% ต่อปีหรอคะ", "ลดหย่อนได้ {money} บาทหรือเปล่า",
    "เดือน{month}นี้มีวันหยุดกี่วันคะ", "{day} {month} เปิดทำการไหม", "ประกาศวันที่ {day}/{mm}/{year} ค่ะ",
    "นัดวันที่ {day}/{mm}/{yy} เวลา {time} น.", "ไปถึง {time} ทันไหมคะ", "พักเที่ยง {time}-13:00 ใช่ไหม",
    "ปี {year} ค่าภาษีที่ดินลดไหมคะ", "ทำใบขับขี่ครั้งแรกต้องอบรม {hours} ชั่วโมงใช่ไหม",
    "เรียนออนไลน์ {hours} ชม. ได้ไหม", "ข้อสอบ {n} ข้อต้องผ่านกี่ข้อคะ", "รถ {n} คันต้องเสียภาษีแยกไหม",
    "ลูก {n} คนได้เงินอุดหนุนเด็กทุกคนไหม", "บ้านเลขที่ {houseno} หมู่ {n} ค่ะ", "ห้อง {room} ชั้น {floor} ใช่ไหมคะ",
    "ช่อง {n} ค่ะ", "เคาน์เตอร์ {n} ปิดแล้วค่ะ", "กดบัตรคิวได้เลข {queue} ค่ะ", "เลขคิว {queue}",
    "ขนาดรูปถ่าย {size} นิ้วใช่ไหม", "รูปถ่ายไม่เกิน {n} เดือนใช่ไหมคะ", "ถ่ายเอกสารแผ่นละ {fee2} บาท",
    "พ.ศ. {year} ตรงกับ ค.ศ. อะไรคะ", "เกิด พ.ศ. {year} อายุเท่าไหร่แล้ว", "ปีงบประมาณ {year} เปิดรับสมัครเมื่อไหร่",
    "ตึก {building} ชั้น {floor} ค่ะ", "ระยะทาง {km} กิโลเมตร", "น้ำหนัก {kg} กิโลกรัม ส่งไปรษณีย์ได้ไหม",
    "ไปรษณีย์ {postcode} ค่ะ", "โทรสายด่วน {hotline} แล้วให้กด {digit} ใช่ไหมคะ", "เบอร์ {hotline} ฟรีไหมคะ",
    "ศูนย์ดำรงธรรมโทร {hotline} ได้เลยไหม", "แจ้งเหตุด่วน {emergency}", "รถพยาบาล {emergency} ใช่ไหมคะ",
    "มาตรา {n} พ.ร.บ.การทะเบียนราษฎร พ.ศ. 2534", "ตามระเบียบข้อ {n} ค่ะ", "ผ่อนได้ {n} งวดไหมคะ",
    "ใบอนุญาตอายุ {n} ปี", "คำขอเลขที่ {reqno} ค่ะ", "ใบเสร็จเล่มที่ {n} เลขที่ {receipt}",
    "สำนักงานที่ดินสาขา {n} อยู่ไหนคะ", "ออกเลขทะเบียนบ้านใหม่ใช้เวลากี่วัน", "แจ้งย้ายออกปลายทางได้ไหม",
    "ทำบัตรใหม่ตอนอายุ {agechild} ต้องใช้สูติบัตรไหมคะ", "ต่อบัตรล่วงหน้าได้กี่วัน {days} วันได้ไหม",
    "ผมเกณฑ์ทหารปี {year} จับได้ใบดำครับ", "ลูกอายุ {agechild} เดือน ทำบัตรได้ไหม", "ค่าจดทะเบียนสมรส {fee} บาทไหมคะ",
    "สวัสดีค่ะ", "สอบถามหน่อยครับ", "ขั้นตอนทำพาสปอร์ตมีอะไรบ้าง", "ต้องจองคิวก่อนไหมคะ",
    "วันที่ {day} ถึง {day2} {month} ปิดทำการไหม", "ช่วง {time} ถึง {time2} คนเยอะไหม", "อุณหภูมิ {temp} องศา",
    "ทำที่อำเภอไหนก็ได้ใช่ไหมคะ", "คุณคะ ระบบล่มหรือเปล่า", "คุณตอบช้าจัง", "ชื่อเว็บไซต์อะไรคะ",
    "ต้องใช้ชื่อภาษาอังกฤษตามพาสปอร์ตไหม", "ชื่อเล่นต้องใส่ไหมคะ", "ชื่อหมู่บ้านต้องเขียนเต็มไหม",
]

CLEAN_FILL = {
    "fee": lambda: rng.choice(["10", "20", "50", "100", "105", "200", "300", "500", "1,000", "1,500", "2,000", "๑๐๐", "1000", "5000"]),
    "fee2": lambda: rng.choice(["1", "2", "3", "5"]),
    "hotline": lambda: rng.choice(["1111", "1548", "1567", "1300", "1584", "1555", "1570", "1161", "๑๑๑๑", "1548 กด 1"]),
    "emergency": lambda: rng.choice(["191", "1669", "199", "1196", "1506", "1479", "1206"]),
    "form": lambda: rng.choice(["ทร.14", "ทร.12", "ทร.1", "ทร.4", "สด.9", "สด.43", "สด.35", "บ.ส.3", "ท.ร.14", "ภ.ด.ส.3", "ภ.ง.ด.90", "ภ.ง.ด.91", "ขร.1", "คร.2", "ทร.๑๔"]),
    "year": lambda: rng.choice(["2569", "2568", "2567", "2570", "2545", "2550", "๒๕๖๙", "2026", "2025"]),
    "yy": lambda: rng.choice(["69", "68", "70", "๖๙"]),
    "time": lambda: rng.choice(["08:30", "8.30", "16:30", "09:00", "12:00", "15.30", "๐๘:๓๐", "17:00", "7:30"]),
    "time2": lambda: rng.choice(["10:00", "11.30", "16:00", "18:00"]),
    "day": lambda: str(rng.randint(1, 28)), "day2": lambda: str(rng.randint(1, 28)),
    "month": lambda: rng.choice(["มกราคม", "ก.พ.", "มี.ค.", "เมษายน", "พ.ค.", "มิถุนายน", "ก.ค.", "สิงหาคม", "ต.ค.", "ธันวาคม"]),
    "mm": lambda: f"{rng.randint(1, 12):02d}",
    "postcode": lambda: rng.choice(["10110", "50000", "40000", "10200", "90110", "๕๐๒๐๐", "30000", "20000"]),
    "agechild": lambda: str(rng.choice([1, 3, 6, 7, 9, 11])), "agemil": lambda: str(rng.choice([17, 18, 20, 21])),
    "ageold": lambda: str(rng.choice([60, 65, 70, 75, 80, 90, "๖๕"])),
    "n": lambda: str(rng.randint(1, 30)), "days": lambda: rng.choice(["7", "15", "30", "60", "90", "๓๐"]),
    "money": lambda: rng.choice(["100,000", "3,000", "5,000", "120000", "1,000,000", "15,000", "๑๐๐,๐๐๐"]),
    "pct": lambda: rng.choice(["1.5", "3", "0.5", "7"]), "pnd": lambda: rng.choice(["90", "91", "94"]),
    "sd": lambda: rng.choice(["9", "43", "35", "๙"]), "tr": lambda: rng.choice(["14", "12", "1", "๑๔"]),
    "hours": lambda: rng.choice(["5", "1", "2"]), "houseno": lambda: rng.choice(["12/3", "99/1", "145", "8/25", "๑๒๓/๔"]),
    "room": lambda: rng.choice(["101", "204", "3"]), "floor": lambda: rng.choice(["1", "2", "5"]),
    "queue": lambda: rng.choice(["A015", "B102", "045", "C7", "๑๒"]), "size": lambda: rng.choice(["1", "1.5", "2"]),
    "building": lambda: rng.choice(["A", "B", "2"]), "km": lambda: rng.choice(["12", "3.5", "150"]),
    "kg": lambda: rng.choice(["2", "0.5", "10"]), "digit": lambda: rng.choice(["1", "2", "3", "0"]),
    "reqno": lambda: rng.choice(["2569/0012", "123/2569", "กข.0045/69", "REQ-2569-0001"]),
    "receipt": lambda: rng.choice(["0045", "12", "3301"]), "temp": lambda: rng.choice(["37.5", "38"]),
}

SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, fillers: dict) -> tuple[str, list[dict]]:
    out, spans, pos = [], [], 0
    for m in SLOT.finditer(template):
        out.append(template[pos:m.start()])
        value = fillers[m.group(1)]()
        start = sum(map(len, out))
        if m.group(1) in KIND and fillers is FILL:
            spans.append({"type": KIND[m.group(1)], "start": start, "end": start + len(value), "value": value})
        out.append(value)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def build(templates: list[str], fillers: dict, count: int) -> list[dict]:
    seen: set[str] = set()
    items: list[dict] = []
    rounds = 0
    while len(items) < count and rounds < 100:
        rounds += 1
        for t in templates:
            if SLOT.search(t) is None and rounds > 1:
                continue
            text, spans = fill(t, fillers)
            if text not in seen and len(items) < count:
                seen.add(text)
                items.append({"text": text, "spans": spans} if fillers is FILL else {"text": text})
    return items


MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


def holdout(source: str = "holdout_source.txt") -> tuple[list[dict], list[dict]]:
    """A held-out source file, one message a line, [[type:value]] marks personal data."""
    personal: list[dict] = []
    clean: list[dict] = []
    section = ""
    for line in (HERE / source).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.strip() and not line.startswith("#"):
            out, spans, pos = [], [], 0
            for m in MARK.finditer(line):
                out.append(line[pos:m.start()])
                start = sum(map(len, out))
                spans.append({"type": m.group(1), "start": start, "end": start + len(m.group(2)),
                              "value": m.group(2)})
                out.append(m.group(2))
                pos = m.end()
            out.append(line[pos:])
            text = "".join(out)
            if section == "clean":
                assert not spans, line
                clean.append({"text": text})
            else:
                assert spans, line
                personal.append({"text": text, "spans": spans})
    return personal, clean


def main() -> None:
    personal = build(PERSONAL, FILL, 340)
    clean = build(CLEAN, CLEAN_FILL, 330)
    held_personal, held_clean = holdout()
    second_personal, second_clean = holdout("holdout2_source.txt")
    third_personal, third_clean = holdout("holdout3_source.txt")
    fourth_personal, fourth_clean = holdout("holdout4_source.txt")
    fifth_personal, fifth_clean = holdout("holdout5_source.txt")
    sixth_personal, sixth_clean = holdout("holdout6_source.txt")
    header = "# Generated by build_corpus.py; invented values only.\n"
    for name, items in (("personal.yml", personal), ("clean.yml", clean),
                        ("holdout_personal.yml", held_personal), ("holdout_clean.yml", held_clean),
                        ("holdout2_personal.yml", second_personal), ("holdout2_clean.yml", second_clean),
                        ("holdout3_personal.yml", third_personal), ("holdout3_clean.yml", third_clean),
                        ("holdout4_personal.yml", fourth_personal), ("holdout4_clean.yml", fourth_clean),
                        ("holdout5_personal.yml", fifth_personal), ("holdout5_clean.yml", fifth_clean),
                        ("holdout6_personal.yml", sixth_personal), ("holdout6_clean.yml", sixth_clean)):
        body = yaml.safe_dump({"version": 1, "messages": items}, allow_unicode=True, sort_keys=False, width=200)
        (HERE / name).write_text(header + body, encoding="utf-8")
        print(name, len(items))


if __name__ == "__main__":
    main()
