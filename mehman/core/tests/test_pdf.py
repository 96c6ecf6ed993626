"""PDF rendering: Vazirmatn, Persian shaping, page sizes, the language, no network."""

import re
from urllib.parse import unquote

import pytest
import segno
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from fontTools.ttLib import TTFont
from weasyprint.formatting_structure.boxes import TextBox

from mehman.core import pdf, qr

MM = 96 / 25.4  # CSS pixels in a millimetre

SAMPLE = """{% load i18n static %}<!DOCTYPE html>
<html lang="{{ LANGUAGE_CODE }}" dir="{{ text_dir }}" class="page-{{ size|default:'a4' }}">
<head><link rel="stylesheet" href="{% static 'mehman/print.css' %}"></head>
<body><p>{{ text }}</p><p class="ltr">{{ 1234|num }}</p></body></html>"""

LOCMEM_TEMPLATES = [
    {
        **settings.TEMPLATES[0],
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            **settings.TEMPLATES[0]["OPTIONS"],
            "loaders": [("django.template.loaders.locmem.Loader", {"sample.html": SAMPLE})],
        },
    }
]


@pytest.fixture
def sample_template():
    with override_settings(TEMPLATES=LOCMEM_TEMPLATES):
        yield "sample.html"


def texts(document, pages=None):
    """The text of the laid-out pages, positioned boxes (footers) included."""
    return [
        box.text
        for page in (document.pages if pages is None else pages)
        for box in page._page_box.descendants(placeholders=True)
        if isinstance(box, TextBox)
    ]


def fonts_used(document):
    document.write_pdf()  # fonts are collected while the PDF is written
    return list(document.fonts.values())


def nominal_glyph(character):
    font = TTFont(pdf.font_directory() / "Vazirmatn-Regular.ttf")
    return font.getGlyphID(font.getBestCmap()[ord(character)])


def test_a_template_renders_to_a_pdf(sample_template):
    document = pdf.render_pdf(sample_template, {"text": "سلام"})
    assert document.startswith(b"%PDF-")
    assert document.rstrip().endswith(b"%%EOF")
    assert 1_000 < len(document) < 200_000


def test_text_is_set_in_vazirmatn_with_every_glyph_found(sample_template):
    html = pdf.render_html(sample_template, {"text": "مهمانشهر تربت جام — Torbat-e Jam"})
    fonts = fonts_used(pdf.layout(html))
    assert {font.family for font in fonts} == {"Vazirmatn"}
    assert all(font.missing == {} for font in fonts)


def test_persian_letters_are_joined_not_printed_one_by_one(sample_template):
    html = pdf.render_html(sample_template, {"text": "سلام"}, language="fa")
    (font,) = fonts_used(pdf.layout(html))
    glyphs = {text: glyph for glyph, text in font.to_unicode.items()}
    # Initial seen is another glyph than the seen typed alone; lam and alef make one ligature.
    assert glyphs["س"] != nominal_glyph("س")
    assert "لا" in glyphs
    assert "ل" not in glyphs


def test_persian_is_laid_out_right_to_left_with_persian_digits(sample_template):
    with translation.override("en"):
        html = pdf.render_html(sample_template, {"text": "سلام"}, language="fa")
    assert re.search(r'<html lang="fa"\s+dir="rtl"', html)
    document = pdf.layout(html)
    assert "۱٬۲۳۴" in texts(document)
    page = document.pages[0]._page_box
    word = next(b for b in page.descendants() if getattr(b, "text", None) == "سلام")
    assert word.style["direction"] == "rtl"
    # Set against the right margin: it ends where the page's content box ends.
    content_end = page.content_box_x() + page.width
    assert word.position_x + word.width == pytest.approx(content_end, abs=1)
    assert word.position_x > page.content_box_x() + page.width / 2


def test_english_is_laid_out_left_to_right_with_latin_digits(sample_template):
    html = pdf.render_html(sample_template, {"text": "Hello"}, language="en")
    assert re.search(r'<html lang="en"\s+dir="ltr"', html)
    assert "1,234" in texts(pdf.layout(html))


def test_without_a_language_the_active_one_is_used(sample_template):
    with translation.override("en"):
        assert 'dir="ltr"' in pdf.render_html(sample_template, {})
    with translation.override("fa"):
        assert 'dir="rtl"' in pdf.render_html(sample_template, {})


@pytest.mark.parametrize(
    ("size", "width_mm", "height_mm"),
    [("a4", 210, 297), ("a5", 210, 148), ("a6", 148, 105), ("id-card", 85.6, 53.98)],
)
def test_page_sizes_come_from_the_print_stylesheet(sample_template, size, width_mm, height_mm):
    html = pdf.render_html(sample_template, {"text": "x", "size": size})
    page = pdf.layout(html).pages[0]
    assert page.width == pytest.approx(width_mm * MM, abs=0.5)
    assert page.height == pytest.approx(height_mm * MM, abs=0.5)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://127.0.0.1:8000/static/mehman/print.css",
        "ftp://example.org/x.png",
        "file:///etc/passwd",
        "file:///static/../../../etc/passwd",
        f"file://{settings.BASE_DIR}/pyproject.toml",
    ],
)
def test_the_fetcher_refuses_the_network_and_other_local_files(url):
    with pytest.raises(Exception, match=r"refused|disallowed|outside"):
        pdf.LocalFetcher().fetch(url)


def test_the_fetcher_reads_static_files_fonts_and_data_uris():
    fetcher = pdf.LocalFetcher()
    stylesheet = fetcher.fetch("file:///static/mehman/print.css")
    assert b"@page" in stylesheet.read()
    stylesheet.close()
    font = fetcher.fetch((pdf.font_directory() / "Vazirmatn-Bold.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    font.close()
    image = fetcher.fetch(qr.qr_data_uri("TJ-000001"))
    assert image.read().startswith(b"<svg")
    image.close()


def test_an_image_from_the_network_is_left_out_not_fetched(caplog):
    html = '<p>x</p><img src="https://example.org/tracker.png">'
    assert pdf.html_to_pdf(html).startswith(b"%PDF-")
    assert "refused to fetch 'https://example.org/tracker.png'" in caplog.text


def test_the_fonts_are_declared_with_local_file_urls():
    css = pdf.font_face_css()
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert len(urls) == len(pdf.FONT_WEIGHTS)
    assert all(url.startswith("file:///") and url.endswith(".ttf") for url in urls)


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("TJ-000123", "TJ-000123.pdf"),
        ("TJ-۰۰۰۱۲۳", "TJ-000123.pdf"),
        ('a"b\r\nContent-Type: text/html', "a-b-Content-Type-text-html.pdf"),
        ("کارت", "document.pdf"),
        ("../../etc/passwd", "etc-passwd.pdf"),
    ],
)
def test_file_names_are_safe_ascii(name, filename):
    assert pdf.safe_filename(name) == filename


def test_a_pdf_response_is_shown_inline_and_never_cached():
    response = pdf.pdf_response(b"%PDF-1.7 x", filename="TJ-000123")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="TJ-000123.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == b"%PDF-1.7 x"


def decode_svg_modules(svg):
    """The dark modules of segno's SVG path (``M``/``m`` moves, ``h`` horizontal runs)."""
    path = re.search(r'd=["\']([^"\']+)["\']', unquote(svg)).group(1)
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(a)))
            x += float(a)
    return dark


def matrix_modules(code):
    return {
        (col + qr.BORDER, row + qr.BORDER)
        for row, line in enumerate(code.matrix)
        for col, value in enumerate(line)
        if value
    }


def test_the_qr_code_encodes_exactly_the_text_given():
    reference = "TJ-000123"
    expected = matrix_modules(segno.make_qr(reference, error=qr.ERROR_CORRECTION))
    assert decode_svg_modules(qr.qr_data_uri(reference)) == expected
    assert decode_svg_modules(str(qr.qr_svg(reference))) == expected
    assert decode_svg_modules(qr.qr_data_uri("TJ-000124")) != expected


def test_the_inline_qr_svg_scales_with_css():
    svg = str(qr.qr_svg("TJ-000123", title="<b>"))
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg
    assert "width=" not in svg.split(">")[0]
    assert "<title>&lt;b&gt;</title>" in svg
