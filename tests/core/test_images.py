"""Image inputs: every accepted kind, EXIF orientation, odd modes, resizing, bad input."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rf_notebook.errors import ImageError
from rf_notebook.images import load_image, prepare_image, to_rgb
from tests.conftest import write_image


def _jpeg_bytes(array: np.ndarray, **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


@pytest.fixture
def picture() -> np.ndarray:
    array = np.zeros((30, 40, 3), np.uint8)
    array[:, :, 0] = 200  # red, so channel order is visible
    array[5:10, 5:20] = (0, 0, 255)
    return array


def test_every_input_kind_loads_to_the_same_pixels(tmp_path: Path, picture: np.ndarray) -> None:
    path = tmp_path / "p.png"
    Image.fromarray(picture).save(path)
    data = path.read_bytes()
    text = base64.b64encode(data).decode()
    inputs = [
        path,
        str(path),
        data,
        text,
        f"data:image/png;base64,{text}",
        Image.fromarray(picture),
        picture,
        picture[:, :, ::-1].copy(),
    ]
    colors = ["rgb"] * 7 + ["bgr"]
    for source, color in zip(inputs, colors, strict=True):
        image = load_image(source, color=color)  # type: ignore[arg-type]
        assert image.mode == "RGB" and image.size == (40, 30)
        assert (np.asarray(image) == picture).all(), type(source)


def test_original_jpeg_and_png_bytes_are_sent_unchanged(tmp_path: Path) -> None:
    for fmt in ("jpg", "png"):
        path = write_image(tmp_path / f"a.{fmt}", (50, 20))
        prepared = prepare_image(path)
        assert prepared.payload == path.read_bytes()
        assert prepared.media_type == ("image/jpeg" if fmt == "jpg" else "image/png")
        assert (prepared.width, prepared.height, prepared.scale) == (50, 20, (1.0, 1.0))
        assert prepared.source == str(path)


def test_other_formats_and_arrays_are_encoded_once_as_jpeg(
    tmp_path: Path, picture: np.ndarray
) -> None:
    bmp = write_image(tmp_path / "a.bmp", (50, 20))
    for source in (bmp, picture):
        prepared = prepare_image(source)  # type: ignore[arg-type]
        assert prepared.payload.startswith(b"\xff\xd8\xff")
        assert prepared.media_type == "image/jpeg"


def test_downsizing_scales_exactly_and_keeps_the_original_size(tmp_path: Path) -> None:
    path = write_image(tmp_path / "big.png", (1001, 333))
    prepared = prepare_image(path, max_side=200)
    with Image.open(io.BytesIO(prepared.payload)) as sent:
        assert sent.size == (200, 67)
    assert (prepared.width, prepared.height) == (1001, 333)
    assert prepared.scale == (200 / 1001, 67 / 333)
    assert prepare_image(path, max_side=2000).payload == path.read_bytes()  # fits: untouched


def test_exif_orientation_is_applied_and_reported(tmp_path: Path) -> None:
    array = np.zeros((20, 60, 3), np.uint8)
    array[:, :10] = 255  # a white band on the left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    path = tmp_path / "rotated.jpg"
    path.write_bytes(_jpeg_bytes(array, exif=exif.tobytes()))
    image = load_image(path)
    assert image.size == (20, 60)
    top = np.asarray(image)[:10].mean()
    assert top > 200  # the band is now at the top
    prepared = prepare_image(path)
    assert (prepared.width, prepared.height) == (20, 60)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "CMYK", "L", "1", "I;16", "I", "F"])
def test_odd_modes_convert_to_8_bit_rgb(mode: str) -> None:
    source = Image.new("RGB", (8, 6), (10, 120, 250)).convert(mode)
    out = to_rgb(source)
    assert out.mode == "RGB" and out.size == (8, 6)
    assert source.mode == mode  # input untouched


def test_transparent_pixels_become_white_and_16_bit_is_scaled() -> None:
    rgba = Image.new("RGBA", (2, 2), (0, 0, 0, 0))
    assert to_rgb(rgba).getpixel((0, 0)) == (255, 255, 255)
    sixteen = Image.fromarray(np.full((2, 2), 32896, np.uint16))
    assert to_rgb(sixteen).getpixel((0, 0)) == (128, 128, 128)


def test_array_dtypes(picture: np.ndarray) -> None:
    assert load_image(picture.astype(np.float32) / 255).getpixel((0, 0)) == (200, 0, 0)
    assert load_image(picture.astype(np.uint16) * 257).getpixel((0, 0)) == (200, 0, 0)
    assert load_image(np.ones((3, 3), bool)).getpixel((1, 1)) == (255, 255, 255)
    assert load_image(np.zeros((3, 3, 1), np.uint8)).size == (3, 3)


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "missing.jpg", "no such file"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "notes.txt", b"hello, this is text"), "not an image"),
        (lambda d: _write(d / "empty.jpg", b""), r"empty \(0 bytes\)"),
        (
            lambda d: _write(d / "cut.jpg", _jpeg_bytes(np.zeros((200, 200, 3), np.uint8))[:400]),
            "damaged or truncated",
        ),
    ],
)
def test_bad_files_raise_image_error_naming_the_input(
    tmp_path: Path, make: object, needle: str
) -> None:
    target = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ImageError, match=needle) as info:
        prepare_image(target)
    assert str(target) in str(info.value)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_truncated_file_is_caught_by_check_after_a_header_only_read(tmp_path: Path) -> None:
    data = _jpeg_bytes(np.zeros((200, 200, 3), np.uint8))
    path = _write(tmp_path / "cut.jpg", data[: len(data) // 2])
    fast = prepare_image(path, verify=False)  # no decoding: fine
    assert fast.width is None
    with pytest.raises(ImageError, match="truncated"):
        fast.check()
    whole = prepare_image(_write(tmp_path / "ok.jpg", data), verify=False).check()
    assert (whole.width, whole.height) == (200, 200)


def test_decompression_bombs_are_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("L", (20000, 3000)).save(path)  # 60 MP, compresses to almost nothing
    with pytest.raises(ImageError, match="60 MP, over the 50 MP"):
        prepare_image(path)
    fast = prepare_image(path, verify=False)  # header untouched on the cache fast path...
    with pytest.raises(ImageError, match="over the 50 MP"):
        fast.check()  # ...so the check before sending refuses it
    assert prepare_image(path, max_pixels=70_000_000, max_side=100, verify=False).width == 20000


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((4,), np.uint8),
        np.zeros((4, 4, 2), np.uint8),
        np.zeros((0, 4, 3), np.uint8),
        np.zeros((4, 4, 3), np.int64),
        np.full((4, 4, 3), 7.5),
    ],
)
def test_bad_arrays_raise_image_error(array: np.ndarray) -> None:
    with pytest.raises(ImageError, match="array"):
        load_image(array)


def test_bad_base64_and_unknown_types() -> None:
    with pytest.raises(ImageError, match="not valid base64"):
        load_image("data:image/png;base64,@@@@")
    with pytest.raises(ImageError, match="not an image input"):
        load_image(12345)  # type: ignore[arg-type]


def test_urls_pass_through_unless_resizing() -> None:
    prepared = prepare_image("https://example.com/dog.jpg")
    assert prepared.url == "https://example.com/dog.jpg" and prepared.payload == b""
    assert prepared.width is None
