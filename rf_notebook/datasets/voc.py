"""Pascal VOC XML export: one ``.xml`` per image, next to the image.

Boxes use the VOC devkit's 1-based inclusive pixel indices: ``xmin = x1 + 1`` and
``xmax = x2`` (the last covered pixel, counted from 1), which is how
``sv.DetectionDataset.from_pascal_voc`` reads them back to ``(x1, y1, x2, y2)``.
No polygons are written: VOC detection files carry boxes.

Example:
    >>> from rf_notebook.datasets.scene import generate_sample
    >>> "<bndbox>" in voc_xml(generate_sample(0, 0), "a.jpg")
    True
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from .core import Sample

__all__ = ["VocSplitWriter", "voc_xml"]


def _child(parent: ElementTree.Element, tag: str, text: object) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = str(text)
    return element


def voc_xml(sample: Sample, file_name: str, *, folder: str = "") -> str:
    """Return the Pascal VOC annotation of one sample.

    Args:
        sample: The generated sample.
        file_name: The image file name written in ``<filename>``.
        folder: Written in ``<folder>``.

    Returns:
        The XML document as text, indented.

    Example:
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> sample = generate_sample(0, 0)
        >>> voc_xml(sample, "a.jpg").count("<object>") == len(sample.objects)
        True
    """
    root = ElementTree.Element("annotation")
    _child(root, "folder", folder)
    _child(root, "filename", file_name)
    source = ElementTree.SubElement(root, "source")
    _child(source, "database", "rf-notebook synthetic shapes")
    size = ElementTree.SubElement(root, "size")
    _child(size, "width", sample.width)
    _child(size, "height", sample.height)
    _child(size, "depth", 3)
    _child(root, "segmented", 0)
    for obj in sample.objects:
        element = ElementTree.SubElement(root, "object")
        _child(element, "name", obj.class_name)
        _child(element, "pose", "Unspecified")
        _child(element, "truncated", int(obj.truncated))
        _child(element, "occluded", int(obj.visible_fraction < 0.85 and not obj.truncated))
        _child(element, "difficult", 0)
        box = ElementTree.SubElement(element, "bndbox")
        x1, y1, x2, y2 = (round(v) for v in obj.bbox)
        _child(box, "xmin", x1 + 1)
        _child(box, "ymin", y1 + 1)
        _child(box, "xmax", x2)
        _child(box, "ymax", y2)
    ElementTree.indent(root, space="  ")
    return ElementTree.tostring(root, encoding="unicode") + "\n"


class VocSplitWriter:
    """Write one split as Roboflow does: each image with its ``.xml`` beside it.

    Args:
        directory: The split folder, created if missing.

    Example:
        >>> import tempfile
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     writer = VocSplitWriter(Path(tmp))
        ...     writer.add("a.jpg", generate_sample(0, 0), b"")
        ...     sorted(p.name for p in writer.close().iterdir())
        ['a.jpg', 'a.xml']
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def add(self, file_name: str, sample: Sample, jpeg: bytes) -> None:
        """Write the image and its annotation.

        Args:
            file_name: Image file name.
            sample: The generated sample.
            jpeg: Encoded image bytes.
        """
        (self.directory / file_name).write_bytes(jpeg)
        xml = voc_xml(sample, file_name, folder=self.directory.name)
        (self.directory / f"{Path(file_name).stem}.xml").write_text(xml, encoding="utf-8")

    def close(self) -> Path:
        """Finish the split (nothing is buffered).

        Returns:
            The split folder.
        """
        return self.directory
