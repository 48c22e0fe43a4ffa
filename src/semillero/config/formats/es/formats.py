# Spanish as written in Central America (El Salvador uses the decimal point and
# the comma for thousands, like Mexico), with ISO dates accepted in forms too.
from django.conf.locale.es_MX.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"]
