"""features/fuldmagt"""
