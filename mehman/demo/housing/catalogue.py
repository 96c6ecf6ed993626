"""What the demo's works backlog is made of, as the settlement's staff wrote it: the repair
each defect calls for, the improvements a home may be given, renovations and new builds,
works on facilities, reasons for cancelling, and the pledges that pay for housing."""

from __future__ import annotations

from typing import Any

from mehman.housing.models import FacilityKind, Heating, WorkPriority, WorkStatus
from mehman.partners.models import Sector

# The repair a surveyed defect calls for: title, description, priority.
REPAIR_WORKS = {
    "roof": (
        "تعمیر و ایزوگام سقف",
        "ایزوگام فرسوده برداشته و سقف دوباره عایق می‌شود.",
        WorkPriority.HIGH,
    ),
    "walls": ("ترمیم ترک‌های دیوار", "ترک‌ها پر و دیوارها گچ‌کاری می‌شوند.", WorkPriority.NORMAL),
    "damp": ("رفع نم و کپک", "زیرسازی دیوارها و تهویه برای رفع نم.", WorkPriority.NORMAL),
    "doors_windows": ("تعویض در و پنجره", "در ورودی و دو پنجره تعویض می‌شوند.", WorkPriority.NORMAL),
    "floor": ("بازسازی کف", "کف شکسته برداشته و دوباره بتن‌ریزی می‌شود.", WorkPriority.LOW),
    "insulation": (
        "عایق‌کاری پیش از زمستان",
        "عایق‌کاری سقف و دیوار رو به شمال.",
        WorkPriority.HIGH,
    ),
    "heating": (
        "ایمن‌سازی دودکش و بخاری",
        "دودکش تعویض و بخاری سرویس می‌شود؛ خطر گازگرفتگی.",
        WorkPriority.URGENT,
    ),
    "electricity": (
        "تعویض سیم‌کشی فرسوده",
        "سیم‌کشی و کلید و پریزها تعویض می‌شوند؛ خطر آتش‌سوزی.",
        WorkPriority.URGENT,
    ),
    "water": (
        "تعمیر لوله‌کشی و شیر آب",
        "لوله‌های پوسیده و شیر آب تعویض می‌شوند.",
        WorkPriority.NORMAL,
    ),
    "toilet": ("تعمیر سرویس بهداشتی", "کاسه توالت و لوله فاضلاب تعمیر می‌شوند.", WorkPriority.HIGH),
    "access": ("ترمیم پله‌های ورودی", "پله‌های شکسته ورودی بازسازی می‌شوند.", WorkPriority.NORMAL),
}
# Repairs that give a home what it lacked: title, description, what improves.
IMPROVEMENT_WORKS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "own_toilet": (
        "ساخت سرویس بهداشتی در حیاط",
        "ساخت توالت بهداشتی با چاه جذبی برای واحدی که سرویس نداشت.",
        {"own_toilet": True},
    ),
    "own_tap": (
        "لوله‌کشی آب و نصب شیر در حیاط",
        "انشعاب از لوله اصلی بلوک و نصب شیر در حیاط واحد.",
        {"own_tap": True},
    ),
    "ramp": (
        "ساخت رمپ ورودی برای ویلچر",
        "یکی از اعضای خانوار با ویلچر رفت‌وآمد می‌کند.",
        {"ramp": True},
    ),
    "gas": (
        "گازکشی و نصب بخاری گازی",
        "بخاری نفتی با بخاری گازی و دودکش استاندارد جایگزین می‌شود.",
        {"heating": Heating.GAS},
    ),
}
RENOVATION = (
    "نوسازی کامل واحد",
    "بازسازی سقف، دیوارها، کف و سیم‌کشی، با سرویس بهداشتی و شیر آب در واحد؛ "
    "واحد پس از نوسازی دوباره قابل سکونت می‌شود.",
)
EXTENSION = (
    "نوسازی کامل واحد و افزودن یک اتاق",
    "بازسازی کامل واحد و ساخت یک اتاق تازه در حیاط؛ ظرفیت واحد بیشتر می‌شود.",
)
NEW_BUILD = (
    "ساخت واحد مسکونی تازه",
    "ساخت واحد آجری با اتاق‌ها، آشپزخانه، سرویس بهداشتی و شیر آب، در فاز تازه مهمانشهر.",
)
CANCELLATIONS = (
    "خانوار خودش تعمیر را انجام داد.",
    "کار در دستور کار نوسازی کامل بلوک ادغام شد.",
    "بودجه به نوسازی واحدهای غیرقابل سکونت اختصاص یافت.",
)
# Works on facilities: kind, block, title, description, status, funder key, contractor key.
FACILITY_WORKS = (
    (
        FacilityKind.TAP,
        3,
        "تعویض شیرها و سکوی شیر آب عمومی",
        "شیرهای فرسوده تعویض و سکو و آب‌رو بازسازی می‌شوند.",
        WorkStatus.COMPLETED,
        "charity",
        "builder",
    ),
    (
        FacilityKind.SCHOOL,
        3,
        "ایزوگام سقف مدرسه",
        "سقف کلاس‌ها پیش از بارندگی پاییز عایق می‌شود.",
        WorkStatus.COMPLETED,
        "benefactors",
        "volunteers",
    ),
    (
        FacilityKind.MOSQUE,
        7,
        "تعمیر گرمایش مسجد",
        "بخاری‌های گازی شبستان سرویس و دودکش‌ها تعویض می‌شوند.",
        WorkStatus.COMPLETED,
        "benefactors",
        "builder",
    ),
    (
        FacilityKind.HANDPUMP,
        11,
        "تعمیر تلمبه دستی و لای‌روبی چاه",
        "تلمبه تعمیر و چاه لای‌روبی و ضدعفونی می‌شود.",
        WorkStatus.COMPLETED,
        "charity",
        "volunteers",
    ),
    (
        FacilityKind.TOILET,
        2,
        "بازسازی سرویس‌های بهداشتی عمومی و چاه جذبی",
        "چاه جذبی تازه حفر و سرویس‌ها کاشی‌کاری و روشنایی‌دار می‌شوند.",
        WorkStatus.IN_PROGRESS,
        "charity",
        "builder",
    ),
    (
        FacilityKind.COMMUNITY,
        13,
        "ساخت ورودی بی‌پله برای کانون فرهنگی",
        "رمپ و نرده برای ورود با ویلچر.",
        WorkStatus.IN_PROGRESS,
        "",
        "volunteers",
    ),
    (
        FacilityKind.SHOWER,
        6,
        "نصب آبگرمکن تازه در حمام عمومی",
        "آبگرمکن فرسوده با آبگرمکن گازی بزرگ‌تر جایگزین می‌شود.",
        WorkStatus.APPROVED,
        "charity",
        "builder",
    ),
    (
        FacilityKind.CLINIC,
        13,
        "تعمیر و رنگ‌آمیزی اتاق واکسیناسیون",
        "دیوارها ترمیم و رنگ و سینک تازه نصب می‌شود.",
        WorkStatus.APPROVED,
        "",
        "builder",
    ),
    (
        FacilityKind.TAP,
        9,
        "تعویض پمپ و لوله اصلی شیر آب عمومی",
        "پمپ سوخته و لوله ترکیده تعویض می‌شوند؛ تا آن روز اهالی از بلوک‌های کناری آب می‌برند.",
        WorkStatus.PLANNED,
        "charity",
        "builder",
    ),
    (
        FacilityKind.SHOWER,
        1,
        "ساخت حمام عمومی دوم در بلوک ۱",
        "حمام دوم برای کاستن از صف‌های صبح.",
        WorkStatus.CANCELLED,
        "charity",
        "builder",
    ),
)
PLEDGES = (
    # donor, sector, amount, pledged (days ago), received: ((amount, days ago), …), note
    (
        "benefactors",
        Sector.SHELTER,
        60_000_000_000,
        700,
        ((30_000_000_000, 660), (20_000_000_000, 240)),
        "برای نوسازی واحدهای فرسوده و ساخت واحدهای فاز تازه مهمانشهر",
    ),
    (
        "charity",
        Sector.WASH,
        3_000_000_000,
        520,
        ((3_000_000_000, 500),),
        "برای شیرهای آب، سرویس‌های بهداشتی و حمام‌های عمومی",
    ),
)
