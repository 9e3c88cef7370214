"""features/explain"""
