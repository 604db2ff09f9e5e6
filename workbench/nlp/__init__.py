"""Danish NLP: the spaCy pipeline (da_core_news_sm or the bundled da_workbench) and lemmatizer."""
