"""`python -m naskah.rendering.samples /tmp/out` writes one PDF per sample."""

from naskah.rendering.samples import main

main()
