"""The topic discovery job: cluster recent curated messages, write the topic report and the topic assignments."""
