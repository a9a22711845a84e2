"""The optional Django app (label ``httpseal``): the ``HMACKey`` model with its
admin and management command, settings, and FOST request/URL signing
(``httpseal.django.fost``). DRF authentication classes are in ``httpseal.drf``."""
