"""An inventory's metadata: who publishes it, for which place, for which year, under which
licence; one file beside the source (`SOURCE.meta.yaml`, docs/metadata.md).

Everything the publication says of its institution comes from here, never from the code: what
the file does not give is left out of the output and listed as missing (`missing`), never
guessed. A value still to be filled in is written `TODO` (as `envanter init` drafts it): it is
reported as missing, never published.
"""

from .model import (
    CONTROL as CONTROL,
)
from .model import (
    DEFAULT_THEMES as DEFAULT_THEMES,
)
from .model import (
    LANGUAGES as LANGUAGES,
)
from .model import (
    MAX_DEPTH as MAX_DEPTH,
)
from .model import (
    MAX_METADATA_BYTES as MAX_METADATA_BYTES,
)
from .model import (
    THEMES as THEMES,
)
from .model import (
    TODO as TODO,
)
from .model import (
    WIKIDATA as WIKIDATA,
)
from .model import (
    Contact as Contact,
)
from .model import (
    InventoryMetadata as InventoryMetadata,
)
from .model import (
    Organisation as Organisation,
)
from .model import (
    Place as Place,
)
from .model import (
    Unit as Unit,
)
from .model import (
    metadata_path as metadata_path,
)
from .reader import (
    KEYS as KEYS,
)
from .reader import (
    NoAliasLoader as NoAliasLoader,
)
from .reader import (
    Reader as Reader,
)
from .reader import (
    load_metadata as load_metadata,
)
from .reader import (
    read_metadata as read_metadata,
)
