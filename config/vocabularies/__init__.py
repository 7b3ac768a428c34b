"""The codes a use of content is named by: territories, languages and distribution media.

Episode targets (where and how an episode ships) and rights terms (where and how an asset is
licensed) share them, so every target can be checked against licences as is.
"""
